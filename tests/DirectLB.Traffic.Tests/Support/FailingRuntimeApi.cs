using System.Net.Sockets;
using System.Text;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// Stands in front of HAProxy's admin socket to make chosen runtime API commands fail: the real socket is moved
/// aside, and this listens on its path, forwarding every command to it except those <c>fails</c> matches, which
/// get <c>answer</c> back, as an HAProxy refusing them would answer. Disposing puts the real socket back.
/// </summary>
public sealed class FailingRuntimeApi : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _realPath;
    private readonly Func<string, bool> _fails;
    private readonly string _answer;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _refused;
    private int _disposed;

    public FailingRuntimeApi(string adminSocket, Func<string, bool> fails, string answer)
    {
        (_path, _realPath, _fails, _answer) = (adminSocket, adminSocket + ".real", fails, answer);
        File.Move(_path, _realPath);
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        _listener.Listen();
        _accepting = AcceptAsync();
    }

    /// <summary>Commands answered with the failure so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Puts the real socket back; a test may do it early, before its end disposes again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }

        File.Delete(_path);
        File.Move(_realPath, _path);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            _ = AnswerAsync(client);
        }
    }

    /// <summary>One command per connection, as DirectLB's client sends them: read to the half-close, answer, close.</summary>
    private async Task AnswerAsync(Socket client)
    {
        using (client)
        {
            try
            {
                var command = (await ReadToEndAsync(client)).TrimEnd('\n');
                string answer;
                if (_fails(command))
                {
                    Interlocked.Increment(ref _refused);
                    answer = _answer;
                }
                else
                {
                    using var real = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await real.ConnectAsync(new UnixDomainSocketEndPoint(_realPath), _stop.Token);
                    await real.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, _stop.Token);
                    real.Shutdown(SocketShutdown.Send);
                    answer = await ReadToEndAsync(real);
                }

                await client.SendAsync(Encoding.UTF8.GetBytes(answer), SocketFlags.None, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The caller gave up, or the test ends.
            }
        }
    }

    private async Task<string> ReadToEndAsync(Socket socket)
    {
        using var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
        {
            text.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }
}
