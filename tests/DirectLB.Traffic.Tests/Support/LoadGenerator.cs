using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using DirectLB.EndToEnd.Tests.Support;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>How hard and how long the load generator works.</summary>
public sealed record LoadOptions
{
    /// <summary>Loops that open a new connection for every request (Connection: close).</summary>
    public int NewConnectionLoops { get; init; } = 3;

    /// <summary>Loops that keep a connection alive for <see cref="RequestsPerConnection"/> requests.</summary>
    public int KeepAliveLoops { get; init; } = 2;

    /// <summary>About half a second of requests: connections outlive a drain's start and end well within its delay.</summary>
    public int RequestsPerConnection { get; init; } = 100;

    /// <summary>Pause between two requests of a loop, so the load leaves CPU to DirectLB and HAProxy on a small machine.</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromMilliseconds(4);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The generator stops by itself after this long, or after <see cref="MaxRequests"/>, whatever the test does.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(3);

    public long MaxRequests { get; init; } = 1_000_000;

    /// <summary>The client's own address (any of 127.0.0.0/8), so a pod can tell it from the load balancer's.</summary>
    public IPAddress? SourceAddress { get; init; }
}

/// <summary>
/// Sends HTTP requests through a load balancer's address from several concurrent loops, on new and on kept-alive
/// connections, until stopped or its bounds are reached, and counts every answer by pod and every failure.
/// A request is resent once, and counted as retried, only when a kept-alive connection that already answered
/// closes before any byte of the next answer: what HttpClient and browsers do (RFC 9110, 9.2.2), and what
/// happens to a connection still open on a pod when its drain delay ends. Anything else is a failure.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly IPAddress _address;
    private readonly int _port;
    private readonly LoadOptions _options;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _newConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _keptAlive = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly Task _loops;
    private long _retried;
    private long _started;

    private LoadGenerator(string address, int port, LoadOptions options)
    {
        _address = IPAddress.Parse(address);
        _port = port;
        _options = options;
        _stop = new CancellationTokenSource(options.MaxDuration);
        _loops = Task.WhenAll(
            Enumerable.Range(0, options.NewConnectionLoops).Select(_ => Task.Run(NewConnectionLoopAsync))
                .Concat(Enumerable.Range(0, options.KeepAliveLoops).Select(_ => Task.Run(KeepAliveLoopAsync))));
    }

    public static LoadGenerator Start(string address, int port, LoadOptions? options = null) => new(address, port, options ?? new LoadOptions());

    /// <summary>True once the generator stopped by itself (its bounds) or was stopped.</summary>
    public bool Stopped => _loops.IsCompleted;

    public TrafficCounts Snapshot()
    {
        lock (_lock)
        {
            return new TrafficCounts(
                _newConnection.ToImmutableSortedDictionary(StringComparer.Ordinal),
                _keptAlive.ToImmutableSortedDictionary(StringComparer.Ordinal),
                _retried,
                [.. _failures]);
        }
    }

    /// <summary>Waits until <paramref name="count"/> more requests on new connections were answered than in <paramref name="since"/>.</summary>
    public async Task AnsweredAsync(long count, TrafficCounts since, TimeSpan? deadline = null)
    {
        await Eventually.Until(
            () => Stopped || Snapshot().Since(since).NewConnection.Values.Sum() >= count,
            $"{count} more requests answered on new connections",
            deadline ?? TimeSpan.FromSeconds(60));
        if (Stopped)
        {
            throw new InvalidOperationException("the load generator reached its bounds before the test was done");
        }
    }

    /// <summary>Stops every loop, lets requests in flight finish, and returns the final counts.</summary>
    public async Task<TrafficCounts> StopAsync()
    {
        await _stop.CancelAsync();
        await _loops;
        return Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private bool MayStart() => !_stop.IsCancellationRequested && Interlocked.Increment(ref _started) <= _options.MaxRequests;

    private async Task NewConnectionLoopAsync()
    {
        while (MayStart())
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            try
            {
                using var connection = await HttpConnection.ConnectAsync(_address, _port, _options.SourceAddress, timeout.Token);
                Record(await connection.GetAsync(close: true, timeout.Token), keptAlive: false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                Fail("new connection", e);
            }

            await PauseAsync();
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        HttpConnection? connection = null;
        try
        {
            while (MayStart())
            {
                using var timeout = new CancellationTokenSource(_options.RequestTimeout);
                try
                {
                    if (connection is null || connection.Answered >= _options.RequestsPerConnection)
                    {
                        connection?.Dispose();
                        connection = await HttpConnection.ConnectAsync(_address, _port, _options.SourceAddress, timeout.Token);
                    }

                    Record(await connection.GetAsync(close: false, timeout.Token), keptAlive: connection.Answered > 1);
                }
                catch (ClosedBeforeAnswerException) when (connection is { Answered: > 0 })
                {
                    // The request goes out again on a new connection in the next round.
                    Interlocked.Increment(ref _retried);
                    Interlocked.Decrement(ref _started);
                    connection.Dispose();
                    connection = null;
                    continue;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    Fail("kept-alive connection", e);
                    connection?.Dispose();
                    connection = null;
                }

                await PauseAsync();
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(_options.Pace, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Record(string pod, bool keptAlive)
    {
        lock (_lock)
        {
            var counts = keptAlive ? _keptAlive : _newConnection;
            counts[pod] = counts.GetValueOrDefault(pod) + 1;
        }
    }

    private void Fail(string where, Exception e)
    {
        lock (_lock)
        {
            _failures.Add($"{_clock.Elapsed.TotalSeconds:0.000}s {where}: {e.GetType().Name}: {e.Message}");
        }
    }
}
