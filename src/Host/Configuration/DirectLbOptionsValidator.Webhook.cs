using System.Net;

namespace DirectLB.Host.Configuration;

public static partial class DirectLbOptionsValidator
{
    private static void ValidateWebhook(WebhookSettings webhook, List<string> errors)
    {
        if (!webhook.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(webhook.CertFile) || string.IsNullOrEmpty(webhook.KeyFile))
        {
            errors.Add("the readiness gate webhook needs both --webhook-cert and --webhook-key (PEM files)");
        }

        foreach (var (option, file) in new[] { ("--webhook-cert", webhook.CertFile), ("--webhook-key", webhook.KeyFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                errors.Add($"{option}: file '{file}' does not exist");
            }
        }

        if (!IPEndPoint.TryParse(webhook.Listen, out _))
        {
            errors.Add($"--webhook-listen '{webhook.Listen}' must be an IP endpoint such as 0.0.0.0:9443");
        }
    }
}
