using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>The connection closed before a single byte of the answer arrived: the one case a client may resend a GET.</summary>
public sealed class ClosedBeforeAnswerException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// A minimal HTTP/1.1 client over one TCP connection, for as many requests as the caller sends on it. Raw
/// sockets rather than HttpClient so that every failure is seen and counted, and none is retried behind the test's back.
/// </summary>
public sealed class HttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[4096];
    private readonly StringBuilder _pending = new();

    private HttpConnection(Socket socket) => _socket = socket;

    /// <summary>Answers read on this connection so far.</summary>
    public int Answered { get; private set; }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>, from <paramref name="source"/> when given.</summary>
    public static async Task<HttpConnection> ConnectAsync(IPAddress address, int port, IPAddress? source, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(address, port, cancellationToken);
            return new HttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One GET / on a connection of its own to <paramref name="vip"/>:<paramref name="port"/>: the pod's name.</summary>
    public static async Task<string> GetOnceAsync(string vip, int port)
    {
        using var connection = await ConnectAsync(IPAddress.Parse(vip), port, source: null, CancellationToken.None);
        return await connection.GetAsync(close: true, CancellationToken.None);
    }

    /// <summary>Whether <paramref name="vip"/>:<paramref name="port"/> refuses a connection (nothing listens there).</summary>
    public static async Task<bool> RefusedAsync(string vip, int port)
    {
        try
        {
            using var connection = await ConnectAsync(IPAddress.Parse(vip), port, source: null, CancellationToken.None);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    /// <summary>Sends GET / and returns the body of a 200 answer (the pod's name).</summary>
    /// <exception cref="ClosedBeforeAnswerException">The connection closed or was reset before any byte of the answer.</exception>
    /// <exception cref="IOException">Any other failure: a cut answer, or a status other than 200.</exception>
    public async Task<string> GetAsync(bool close, CancellationToken cancellationToken)
    {
        var request = $"GET / HTTP/1.1\r\nHost: directlb-traffic\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
        var received = 0;
        try
        {
            await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);
            while (true)
            {
                if (TryTakeAnswer(out var status, out var body))
                {
                    Answered++;
                    return status == "200" ? body : throw new IOException($"answer {status}: {body}");
                }

                var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw received == 0
                        ? new ClosedBeforeAnswerException("closed before the answer")
                        : new IOException($"closed after {received} bytes of the answer");
                }

                received += read;
                _pending.Append(Encoding.ASCII.GetString(_buffer, 0, read));
            }
        }
        catch (SocketException e) when (received == 0)
        {
            throw new ClosedBeforeAnswerException($"{e.SocketErrorCode} before the answer", e);
        }
        catch (SocketException e)
        {
            throw new IOException($"{e.SocketErrorCode} after {received} bytes of the answer", e);
        }
    }

    public void Dispose() => _socket.Dispose();

    private bool TryTakeAnswer(out string status, out string body)
    {
        (status, body) = ("", "");
        var text = _pending.ToString();
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var lines = text[..headEnd].Split("\r\n");
        var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            ?? throw new IOException($"answer without Content-Length: {lines[0]}");
        var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (text.Length < headEnd + 4 + length)
        {
            return false;
        }

        status = lines[0].Split(' ') is [_, var code, ..] ? code : lines[0];
        body = text.Substring(headEnd + 4, length);
        _pending.Remove(0, headEnd + 4 + length);
        return true;
    }
}
