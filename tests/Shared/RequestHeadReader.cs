using System.Text;

namespace DirectLB.Tests.Shared;

/// <summary>Reads HTTP/1.1 request heads from a connection, one after the other (no bodies: the tests only send GET).</summary>
public sealed class RequestHeadReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly StringBuilder _pending = new();

    /// <summary>The request line and headers, without the blank line; null when the peer closed.</summary>
    public async Task<string?> ReadRequestHeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 4);
                return text[..end];
            }

            var read = await stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _pending.Append(Encoding.ASCII.GetString(_buffer, 0, read));
        }
    }
}
