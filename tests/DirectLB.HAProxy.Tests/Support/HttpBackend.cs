using DirectLB.Tests.Shared;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.HAProxy.Tests.Support;

/// <summary>
/// A tiny HTTP/1.1 server on a loopback address that answers every request with its own name, keeps
/// connections alive, and answers <c>/health</c> with 200 or 503 as <see cref="Healthy"/> says. With
/// <see cref="ExpectProxyV2"/> it reads a PROXY protocol v2 header first and records the client it names.
/// </summary>
public sealed class HttpBackend : IAsyncDisposable
{

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private readonly Task _accepting;
    private int _requests;

    public HttpBackend(string address, bool expectProxyV2 = false)
    {
        ExpectProxyV2 = expectProxyV2;
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        Address = address;
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Name = $"{address}:{Port}";
        _accepting = AcceptAsync();
    }

    public string Address { get; }

    public int Port { get; }

    public string Name { get; }

    public bool ExpectProxyV2 { get; }

    public volatile bool Healthy = true;

    /// <summary>Requests answered, health checks excluded.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Source addresses PROXY v2 headers announced (PROXY command only, not LOCAL health checks).</summary>
    public ConcurrentQueue<string> ProxiedClients { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                if (!await ProxyV2Header.AcceptAsync(stream, ExpectProxyV2, ProxiedClients, _stop.Token))
                {
                    return;
                }

                var reader = new RequestHeadReader(stream);
                while (await reader.ReadRequestHeadAsync(_stop.Token) is { } head)
                {
                    var requestLine = head.Split("\r\n")[0];
                    var health = requestLine.Contains(" /health", StringComparison.Ordinal);
                    var (status, body) = health ? (Healthy ? "200 OK" : "503 Service Unavailable", "health") : ("200 OK", Name);
                    if (!health)
                    {
                        Interlocked.Increment(ref _requests);
                    }

                    var response = $"HTTP/1.1 {status}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\nContent-Type: text/plain\r\n\r\n{body}";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or the backend stops.
        }
    }
}
