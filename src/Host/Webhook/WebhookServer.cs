using System.Net;
using DirectLB.Host.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace DirectLB.Host.Webhook;

/// <summary>
/// The admission webhook's own HTTPS listener, apart from the read-only HTTP endpoints (which refuse every POST):
/// <c>POST /mutate-pods/{clusterId}</c>, one path per member cluster, each cluster's MutatingWebhookConfiguration
/// naming its own. Runs only when a certificate is configured.
/// </summary>
public sealed class WebhookServer(WebhookSettings settings, WebhookCertificate certificate, PodGateWebhook webhook, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary><c>https://ADDRESS:PORT/</c> with the port actually bound, once started.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = IPEndPoint.Parse(settings.Listen);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => certificate.Current(),
        })));
        var app = builder.Build();
        app.MapPost("/mutate-pods/{clusterId}", async (string clusterId, HttpRequest request, CancellationToken aborted) =>
            Results.Json(await webhook.ReviewAsync(clusterId, request.Body, aborted)));
        certificate.Current(); // loads it now, so a bad pair is reported at start, not at the first pod
        await app.StartAsync(cancellationToken);
        _app = app;
        var bound = app.Urls.Single();
        BaseAddress = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        loggers.CreateLogger<WebhookServer>().LogInformation("readiness gate webhook listening on {Address}", BaseAddress);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
