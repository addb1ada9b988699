using System.Text;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using Microsoft.AspNetCore.Http;

namespace DirectLB.KubeApiServer.Http;

/// <summary>Parameters of one watch request.</summary>
internal sealed record WatchRequest(
    ResourceKind Kind,
    ObjectFilter Filter,
    string? ResourceVersion,
    bool AllowBookmarks,
    TimeSpan? Timeout)
{
    /// <summary>Rewrites each event line before it is sent (into a table, for a client that asked for tables).</summary>
    public Func<string, string>? Transform { get; init; }
}

/// <summary>
/// Serves a watch as the real server does: a chunked stream of newline-delimited JSON events, flushed one by one.
/// A resource version older than the history gets a single ERROR event carrying a 410 Expired Status, then the
/// stream ends.
/// </summary>
internal sealed class WatchStream(ObjectStore store, TimeSpan bookmarkInterval)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    /// <param name="context">The HTTP exchange.</param>
    /// <param name="request">What to watch.</param>
    /// <param name="dropped">Cancelled to end the stream cleanly, as a server-side watch timeout would.</param>
    /// <param name="killed">Cancelled to cut the connection mid-stream, as a dying server would.</param>
    public async Task RunAsync(HttpContext context, WatchRequest request, CancellationToken dropped, CancellationToken killed)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        WatchSubscription subscription;
        try
        {
            subscription = store.Watch(request.Kind, request.Filter, request.ResourceVersion);
        }
        catch (KubeApiException e) when (e.Code == 410)
        {
            var error = new JsonObject { ["type"] = WatchEventTypes.Error, ["object"] = e.ToStatus() };
            await WriteLineAsync(context, error.ToJsonString(), context.RequestAborted);
            return;
        }

        using var _ = subscription;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, dropped, killed);
        if (request.Timeout is { } timeout)
        {
            stop.CancelAfter(timeout);
        }
        // Headers go out now: clients read the response before the first event arrives.
        await context.Response.StartAsync(stop.Token);
        var bookmarks = request.AllowBookmarks ? SendBookmarksAsync(subscription, stop.Token) : Task.CompletedTask;
        try
        {
            while (await subscription.Lines.WaitToReadAsync(stop.Token))
            {
                while (subscription.Lines.TryRead(out var line))
                {
                    await WriteLineAsync(context, request.Transform?.Invoke(line) ?? line, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (killed.IsCancellationRequested)
            {
                context.Abort();
            }
        }
        finally
        {
            await stop.CancelAsync();
            await bookmarks;
        }
    }

    private async Task SendBookmarksAsync(WatchSubscription subscription, CancellationToken token)
    {
        using var timer = new PeriodicTimer(bookmarkInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                store.Bookmark(subscription);
            }
        }
        catch (OperationCanceledException)
        {
            // The stream is over; so are its bookmarks.
        }
    }

    private static async Task WriteLineAsync(HttpContext context, string line, CancellationToken token)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), token);
        await context.Response.Body.WriteAsync(Newline, token);
        await context.Response.Body.FlushAsync(token);
    }
}
