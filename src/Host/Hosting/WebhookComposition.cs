using DirectLB.Host.Configuration;
using DirectLB.Host.Webhook;

namespace DirectLB.Host.Hosting;

/// <summary>The readiness gate admission webhook, when a certificate is configured for it.</summary>
public static class WebhookComposition
{
    public static IServiceCollection AddPodGateWebhook(this IServiceCollection services, WebhookSettings settings)
    {
        if (!settings.Enabled)
        {
            return services;
        }

        services.AddSingleton(settings);
        services.AddSingleton(sp => new WebhookCertificate(
            settings.CertFile!, settings.KeyFile!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookCertificate>>()));
        services.AddSingleton<PodGateWebhook>();
        services.AddSingleton<WebhookServer>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookServer>());
        return services;
    }
}
