using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// List-then-watch for one resource across all namespaces, the informer KubernetesClient lacks:
/// resumes from the last resourceVersion, follows bookmarks, relists on 410 Gone and reports what vanished
/// meanwhile, backs off with jitter while the API server is away. Runs until cancelled; never throws.
/// Each report is awaited (<see cref="InformerInbox.TellAsync{T}"/>): while its consumer is busy, the informer reads
/// nothing more from the API server. It keeps and reports a view of each object, not the client's object: the
/// projection, run once per listed or watched object, keeps only what the consumer needs (null: not at all), so the
/// cache costs what the consumer uses, and a resource watched for a few of its objects costs memory for those few.
/// A projection that throws on a malformed object is logged with the object's key; the last good view stays.
/// </summary>
public class ResourceInformer<T, TList, TView>(
    string resource,
    Func<string? /*continue*/, int /*limit*/, CancellationToken, Task<TList>> list,
    Func<string /*resourceVersion*/, int /*timeoutSeconds*/, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    InformerOptions options,
    ILogger log,
    Func<T, TView?> project)
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
    where TView : class
{
    /// <summary>By namespace/name: the view last reported and the resourceVersion it was built from.</summary>
    private readonly Dictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    public async Task RunAsync(Func<InformerEvent<TView>, CancellationToken, ValueTask> emit, CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await RelistAsync(emit, cancellationToken);
                failures = 0;
                resourceVersion = await WatchAsync(resourceVersion, emit, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsGone(ex))
            {
                log.LogInformation("{Resource}: resourceVersion {ResourceVersion} is too old (410 Gone); relisting", resource, resourceVersion);
                resourceVersion = null;
            }
            catch (Exception ex)
            {
                // After an outage, relist rather than resume: the list says for sure that the cluster is back and current.
                resourceVersion = null;
                failures++;
                var delay = Backoff(failures);
                log.LogWarning("{Resource}: API server unavailable ({Error}); retry {Failures} in {RetryDelay}", resource, ex.Message, failures, delay);
                try
                {
                    await emit(new InformerDisconnected<TView>(resource, ex.Message, delay), cancellationToken);
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> RelistAsync(Func<InformerEvent<TView>, CancellationToken, ValueTask> emit, CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<string, Cached>(StringComparer.Ordinal);
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await list(continueToken, options.PageSize, cancellationToken);
            foreach (var item in page.Items)
            {
                var key = KeyOf(item);
                try
                {
                    if (project(item) is { } kept)
                    {
                        fresh[key] = new Cached(item.Metadata.ResourceVersion, kept);
                    }
                }
                catch (Exception ex)
                {
                    log.LogError(ex, "{Resource}: skipping malformed {ObjectKey} at resourceVersion {ResourceVersion}", resource, key, item.Metadata.ResourceVersion);
                    if (_cache.TryGetValue(key, out var lastGood))
                    {
                        fresh[key] = lastGood; // not reported as gone: its last good view stays
                    }
                }
            }

            continueToken = page.Metadata?.ContinueProperty;
            resourceVersion = page.Metadata?.ResourceVersion ?? throw new InvalidOperationException("list response has no resourceVersion");
        }
        while (!string.IsNullOrEmpty(continueToken));

        foreach (var (key, gone) in _cache.Where(c => !fresh.ContainsKey(c.Key)).ToList())
        {
            _cache.Remove(key);
            await emit(new ObjectDeleted<TView>(resource, gone.View), cancellationToken);
        }

        foreach (var (key, item) in fresh)
        {
            if (!_cache.TryGetValue(key, out var known) || known.ResourceVersion != item.ResourceVersion)
            {
                _cache[key] = item;
                await emit(new ObjectUpserted<TView>(resource, item.View), cancellationToken);
            }
        }

        log.LogInformation("{Resource}: listed {Count} objects at resourceVersion {ResourceVersion}", resource, fresh.Count, resourceVersion);
        await emit(new InformerSynced<TView>(resource, resourceVersion, fresh.Count), cancellationToken);
        return resourceVersion;
    }

    /// <summary>Watches until the server closes the stream; returns the resourceVersion to resume from.</summary>
    private async Task<string> WatchAsync(string resourceVersion, Func<InformerEvent<TView>, CancellationToken, ValueTask> emit, CancellationToken cancellationToken)
    {
        Exception? streamError = null;
        var timeout = (int)(options.MinWatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
        await foreach (var (type, item) in watch(resourceVersion, timeout, ex => streamError = ex, cancellationToken))
        {
            var version = item?.Metadata?.ResourceVersion;
            try
            {
                switch (type)
                {
                    case WatchEventType.Added or WatchEventType.Modified when project(item!) is { } kept:
                        _cache[KeyOf(item!)] = new Cached(version, kept);
                        await emit(new ObjectUpserted<TView>(resource, kept), cancellationToken);
                        break;
                    case WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted:
                        // Deleted, or no longer of interest: only what was reported before needs its end reported.
                        if (_cache.Remove(KeyOf(item!), out var known))
                        {
                            await emit(new ObjectDeleted<TView>(resource, known.View), cancellationToken);
                        }

                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad object must not stop the watch: report it and go on.
                log.LogError(ex, "{Resource}: could not handle {EventType} of {ObjectKey} at resourceVersion {ResourceVersion}", resource, type, SafeKey(item), version);
            }

            resourceVersion = version ?? resourceVersion;
        }

        switch (streamError)
        {
            case null:
                return resourceVersion;
            case var gone when IsGone(gone):
                throw gone;
            case System.Text.Json.JsonException malformed:
                // The client could not read an object: we cannot know what changed, so relist to converge.
                log.LogError(malformed, "{Resource}: an object in the watch stream could not be read; relisting", resource);
                throw new KubernetesException(new V1Status { Code = (int)HttpStatusCode.Gone, Message = malformed.Message });
            default:
                throw streamError;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var raw = Math.Min(options.MaxBackoff.TotalMilliseconds, options.MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        return TimeSpan.FromMilliseconds(raw * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static bool IsGone(Exception ex) => ex switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };

    private static string KeyOf(T item) => $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";

    private static string SafeKey(T? item) => item?.Metadata is { } m ? $"{m.NamespaceProperty}/{m.Name}" : "(unknown)";

    private readonly record struct Cached(string? ResourceVersion, TView View);
}

/// <summary>An informer that reports the client's objects themselves, or a slim copy of the same type (<paramref name="project"/>).</summary>
public sealed class ResourceInformer<T, TList>(
    string resource,
    Func<string? /*continue*/, int /*limit*/, CancellationToken, Task<TList>> list,
    Func<string /*resourceVersion*/, int /*timeoutSeconds*/, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    InformerOptions options,
    ILogger log,
    Func<T, T?>? project = null)
    : ResourceInformer<T, TList, T>(resource, list, watch, options, log, project ?? (item => item))
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>;
