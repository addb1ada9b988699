using System.Buffers;
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
    private const int FlushEvery = 64 * 1024;

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
            Write(context, error.ToJsonString());
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
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
                // Flushed once caught up (or every 64 KiB), not after every event, as the real server
                // does: a burst goes out in a few writes, and a lone event at once.
                var unflushed = 0;
                while (subscription.Lines.TryRead(out var line))
                {
                    unflushed += Write(context, request.Transform?.Invoke(line) ?? line);
                    if (unflushed >= FlushEvery)
                    {
                        await context.Response.BodyWriter.FlushAsync(stop.Token);
                        unflushed = 0;
                    }
                }

                await context.Response.BodyWriter.FlushAsync(stop.Token);
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

    /// <returns>The bytes written.</returns>
    private static int Write(HttpContext context, string line)
    {
        var body = context.Response.BodyWriter;
        var bytes = (int)Encoding.UTF8.GetBytes(line, body);
        body.Write(Newline);
        return bytes + Newline.Length;
    }
}
