using DirectLB.Tests.Shared;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>Where a pod is in its life, as its EndpointSlice conditions show it.</summary>
public enum PodPhase
{
    /// <summary>Running, readiness not passed yet: in the slice with ready=false, serving=false.</summary>
    Starting,

    /// <summary>ready=true, serving=true.</summary>
    Ready,

    /// <summary>Being deleted, still in its preStop: ready=false, serving=true, terminating=true. It still answers.</summary>
    Terminating,

    /// <summary>Killed: its server is stopped and it is no longer in the slice.</summary>
    Gone,
}

/// <summary>
/// A "pod": a tiny HTTP/1.1 server on its own loopback address that answers every request with its name and
/// keeps connections alive. <c>/healthz</c> answers 200 or 503 as <see cref="Healthy"/> says. With
/// <see cref="ExpectProxyV2"/> it reads a PROXY protocol v2 header first and records the client it names.
/// It counts requests by the phase it was in, so a test can tell that a starting pod got none.
/// </summary>
public sealed class PodServer : IAsyncDisposable
{

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, bool> _connections = new();
    private readonly ConcurrentDictionary<PodPhase, int> _requestsByPhase = new();
    private readonly Task _accepting;
    private int _connectionsServed;
    private int _stopped;

    public PodServer(string name, string address, int port, string? nodeName = null, bool expectProxyV2 = false)
    {
        Name = name;
        Address = address;
        NodeName = nodeName;
        ExpectProxyV2 = expectProxyV2;
        _listener = new TcpListener(IPAddress.Parse(address), port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public string Address { get; }

    public int Port { get; }

    public string? NodeName { get; }

    public bool ExpectProxyV2 { get; }

    /// <summary>Set by the test as it writes the pod's conditions into the slice.</summary>
    public PodPhase Phase { get; set; } = PodPhase.Starting;

    public volatile bool Healthy = true;

    /// <summary>Requests answered while the pod was in <paramref name="phase"/>, health checks excluded.</summary>
    public int RequestsWhile(PodPhase phase) => _requestsByPhase.GetValueOrDefault(phase);

    /// <summary>
    /// Connections that carried at least one request: the load balancer's connections for clients. Its TCP health
    /// checks connect and close without a request, so they are not counted.
    /// </summary>
    public int ConnectionsServed => Volatile.Read(ref _connectionsServed);

    /// <summary>Source addresses the PROXY v2 headers announced (PROXY command only, not LOCAL).</summary>
    public ConcurrentQueue<string> ProxiedClients { get; } = new();

    /// <summary>The TCP peer address of every connection the pod accepted: who connected, whatever a header says.</summary>
    public ConcurrentQueue<string> Peers { get; } = new();

    /// <summary>Kills the pod: the listener and every open connection close at once, as when the process dies.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Phase = PodPhase.Gone;
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
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
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Peers.Enqueue(((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString());
            _connections[client] = true;
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
                var first = true;
                while (await reader.ReadRequestHeadAsync(_stop.Token) is { } head)
                {
                    if (first)
                    {
                        Interlocked.Increment(ref _connectionsServed);
                        first = false;
                    }

                    var health = head.StartsWith("GET /healthz", StringComparison.Ordinal);

                    // As real servers do, the side asked to close closes first, so client ports do not pile up in TIME_WAIT.
                    var close = head.Contains("\r\nConnection: close", StringComparison.OrdinalIgnoreCase);
                    var (status, body) = health ? (Healthy ? "200 OK" : "503 Service Unavailable", "health") : ("200 OK", Name);
                    if (!health)
                    {
                        _requestsByPhase.AddOrUpdate(Phase, 1, (_, n) => n + 1);
                    }

                    var connection = close ? "Connection: close\r\n" : "";
                    var response = $"HTTP/1.1 {status}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\nContent-Type: text/plain\r\n{connection}\r\n{body}";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    if (close)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, or the pod was killed.
        }
        finally
        {
            _connections.TryRemove(client, out _);
        }
    }
}
