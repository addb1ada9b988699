using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.Tests.Support;

/// <summary>
/// HTTP/1.1 on loopback that answers every request with a Service after 200 ms, so that requests overlap, and counts
/// the connections open and the requests being answered at once.
/// </summary>
internal sealed class SlowApiServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _open;
    private int _most;
    private int _answering;
    private int _mostAnswering;
    private int _served;

    public SlowApiServer()
    {
        _listener.Start(1_000);
        _accepting = AcceptAsync();
    }

    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int MostConnectionsAtOnce => Volatile.Read(ref _most);

    public int MostRequestsAtOnce => Volatile.Read(ref _mostAnswering);

    public int Served => Volatile.Read(ref _served);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient connection)
    {
        var open = Interlocked.Increment(ref _open);
        InterlockedMax(ref _most, open);
        try
        {
            using var _ = connection;
            var stream = connection.GetStream();
            var buffer = new byte[8192];
            var received = new StringBuilder();
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                while (received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0)
                {
                    received.Remove(0, end + 4);
                    InterlockedMax(ref _mostAnswering, Interlocked.Increment(ref _answering));
                    await Task.Delay(200, _stop.Token);
                    var body = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"}}""";
                    var response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    Interlocked.Decrement(ref _answering);
                    Interlocked.Increment(ref _served);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static void InterlockedMax(ref int location, int value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen && Interlocked.CompareExchange(ref location, value, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }
}
