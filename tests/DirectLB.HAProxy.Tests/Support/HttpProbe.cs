using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirectLB.HAProxy.Tests.Support;

/// <summary>A minimal HTTP/1.1 client over one TCP connection; keeps it alive for as many requests as asked.</summary>
public sealed class HttpProbe : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[4096];
    private readonly StringBuilder _pending = new();

    private HttpProbe(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<HttpProbe> ConnectAsync(string address, int port)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port, timeout.Token);
            return new HttpProbe(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>One request on a fresh connection: the load balancer picks a server for each.</summary>
    public static async Task<string> GetOnceAsync(string address, int port)
    {
        await using var probe = await ConnectAsync(address, port);
        return await probe.GetAsync();
    }

    /// <summary>Names of the backends that answered <paramref name="count"/> fresh-connection requests.</summary>
    public static async Task<Dictionary<string, int>> SpreadAsync(string address, int port, int count)
    {
        var answers = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var name = await GetOnceAsync(address, port);
            answers[name] = answers.GetValueOrDefault(name) + 1;
        }

        return answers;
    }

    /// <summary>Retries until <paramref name="condition"/> holds or the deadline passes; failures in between count as "not yet".</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = within ?? TimeSpan.FromSeconds(20);
        Exception? last = null;
        while (deadline.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or DirectLB.Providers.ProviderException)
            {
                last = e;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds} s; last error: {last?.Message ?? "none"}");
    }

    /// <summary>Sends a GET and returns the body (the backend's name).</summary>
    public async Task<string> GetAsync(string path = "/")
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"), timeout.Token);
        while (true)
        {
            var text = _pending.ToString();
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var lengthLine = text[..headEnd].Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = int.Parse(lengthLine["Content-Length:".Length..].Trim());
                if (text.Length >= headEnd + 4 + length)
                {
                    _pending.Remove(0, headEnd + 4 + length);
                    return text.Substring(headEnd + 4, length);
                }
            }

            var read = await _stream.ReadAsync(_buffer, timeout.Token);
            if (read == 0)
            {
                throw new IOException("the connection closed before a whole response arrived");
            }

            _pending.Append(Encoding.ASCII.GetString(_buffer, 0, read));
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
