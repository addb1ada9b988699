using System.Net;
using DirectLB.KubeApiServer.Http;
using DirectLB.KubeApiServer.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectLB.KubeApiServer;

/// <summary>
/// A Kubernetes API server on 127.0.0.1 speaking real HTTP, so the unmodified KubernetesClient (and the controller
/// built on it) runs against it. State lives in <see cref="Store"/>, which outlives the server: stop, then start a
/// new server with the same port and store, and clients see the same cluster come back.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ResourceHandler _resources;
    private readonly FaultInjector _faults = new();
    private readonly RequestLog _requests;
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _dropWatches = new();
    private int _stopped;

    private KubeApiServer(KubeApiServerOptions options, ObjectStore store)
    {
        Store = store;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RequestLogCapacity);
        _requests = new RequestLog(options.RequestLogCapacity);
        _resources = new ResourceHandler(store, new WatchStream(store, options.BookmarkInterval));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public ObjectStore Store { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>The requests served so far (the most recent <see cref="KubeApiServerOptions.RequestLogCapacity"/>), in order of their responses.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.Snapshot();

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiServerOptions();
        var server = new KubeApiServer(options, options.Store ?? new ObjectStore());
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Writes a kubeconfig pointing at this server and returns its path.</summary>
    public string WriteKubeconfig(string path, string? contextName = null)
    {
        File.WriteAllText(path, Kubeconfig.Render(BaseAddress, contextName ?? "directlb-test"));
        return path;
    }

    /// <summary>The API server goes away: open watch connections are cut and the listener closes.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        _dropWatches.Dispose();
    }

    /// <summary>Forgets the event history: watches and continue tokens from older resource versions get 410 Expired.</summary>
    public void CompactHistory() => Store.CompactHistory();

    /// <summary>Ends every open watch stream cleanly (as a server-side watch timeout would); clients must re-watch.</summary>
    public void DropWatches()
    {
        // Not disposed: a request starting concurrently may still read its token, and cancelling is all it holds.
        Interlocked.Exchange(ref _dropWatches, new CancellationTokenSource()).Cancel();
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> requests whose method is <paramref name="method"/> ("*" for any) and
    /// whose path and query contain <paramref name="pathContains"/> fail with <paramref name="statusCode"/> and a matching Status body.
    /// </summary>
    public void FailNext(string method, string pathContains, int statusCode, int times = 1) =>
        _faults.Add(method, pathContains, statusCode, times);

    public void ClearRequests() => _requests.Clear();

    private async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var pathAndQuery = context.Request.Path.ToString() + context.Request.QueryString;
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Response.OnStarting(() =>
        {
            _requests.Add(new RecordedRequest(method, pathAndQuery, context.Request.ContentType, body, context.Response.StatusCode));
            return Task.CompletedTask;
        });
        try
        {
            if (_faults.TryTake(method, pathAndQuery) is { } code)
            {
                throw new KubeApiException(code, HttpResponses.ReasonFor(code), $"injected failure: {method} {pathAndQuery}");
            }
            if (method == "GET" && DiscoveryDocuments.For(context.Request.Path, Store.Resources) is { } document)
            {
                await HttpResponses.WriteJsonAsync(context, 200, document);
                return;
            }
            var path = ApiRequestPath.Parse(context.Request.Path.ToString(), Store.Resources)
                ?? throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
            await _resources.HandleAsync(context, path, body, _dropWatches.Token, _stopping.Token);
        }
        catch (KubeApiException e) when (!context.Response.HasStarted)
        {
            await HttpResponses.WriteStatusAsync(context, e);
        }
    }
}
