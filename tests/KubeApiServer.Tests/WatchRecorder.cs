using System.Threading.Channels;
using k8s;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>
/// Drives a real KubernetesClient watch in the background and lets a test await its events, errors and end with
/// deadlines instead of sleeps.
/// </summary>
public sealed class WatchRecorder<T> : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Channel<(WatchEventType Type, T Object)> _events = Channel.CreateUnbounded<(WatchEventType, T)>();
    private readonly Channel<Exception> _errors = Channel.CreateUnbounded<Exception>();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WatchRecorder()
    {
    }

    /// <param name="open">
    /// Opens the watch, typically <c>(onError, ct) =&gt; client.CoreV1.WatchListServiceForAllNamespacesAsync(..., onError: onError, cancellationToken: ct)</c>.
    /// </param>
    public static WatchRecorder<T> Start(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> open)
    {
        var recorder = new WatchRecorder<T>();
        _ = Task.Run(() => recorder.PumpAsync(open));
        return recorder;
    }

    /// <summary>Completes when the stream has ended, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The next event, skipping bookmarks unless asked for.</summary>
    public async Task<(WatchEventType Type, T Object)> NextAsync(bool includeBookmarks = false, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var next = await _events.Reader.ReadAsync(deadline.Token);
            if (includeBookmarks || next.Type != WatchEventType.Bookmark)
            {
                return next;
            }
        }
    }

    public async Task<Exception> NextErrorAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await _errors.Reader.ReadAsync(deadline.Token);
    }

    public Task WaitClosedAsync(TimeSpan? timeout = null) => Closed.WaitAsync(timeout ?? DefaultTimeout);

    private async Task PumpAsync(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> open)
    {
        try
        {
            await foreach (var item in open(e => _errors.Writer.TryWrite(e), _cts.Token).WithCancellation(_cts.Token))
            {
                _events.Writer.TryWrite(item);
            }
        }
        catch (Exception e) when (!_cts.IsCancellationRequested)
        {
            _errors.Writer.TryWrite(e);
        }
        catch (OperationCanceledException)
        {
            // Disposed by the test.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await Closed.WaitAsync(DefaultTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _cts.Dispose();
    }
}
