using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.Host.Sandbox;

/// <summary>
/// A sandbox "pod": an HTTP server on its own loopback address (127.0.70.x), as a real pod has its own IP,
/// answering every request with its name, so a curl through the load balancer shows which pod served it.
/// </summary>
public sealed class SandboxPod : IAsyncDisposable
{
    public const int Port = 8080;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public SandboxPod(string name, IPAddress address)
    {
        Name = name;
        Address = address;
        _listener = new TcpListener(address, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => AnswerAsync(client));
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed while being accepted: keep serving the others.
            }
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var request = new StringBuilder();
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return; // a TCP health check connects and closes
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var body = $"hello from {Name} ({Address})\n";
                var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The client went away; nothing to answer.
            }
        }
    }
}
