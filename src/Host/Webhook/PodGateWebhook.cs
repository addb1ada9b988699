using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using DirectLB.Actors.Admission;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using k8s;

namespace DirectLB.Host.Webhook;

/// <summary>
/// Answers the mutating admission webhook for Pod creation in one member cluster: a pod in a namespace labelled
/// <c>directlb.io/readiness-gate-inject=enabled</c> gets DirectLB's readiness gate for each Service of DirectLB's
/// class that selects it, as the member cluster's watcher knows them. Every answer admits the pod: on any problem the
/// pod is created without a gate, and the problem is logged (the webhook is <c>failurePolicy: Ignore</c>).
/// </summary>
public sealed class PodGateWebhook(ActorRegistry registry, MemberClusters clusters, ILogger<PodGateWebhook> log)
{
    public const string InjectLabel = "directlb.io/readiness-gate-inject";
    public const string InjectEnabled = "enabled";

    /// <summary>Within the API server's own timeout (the chart gives it 5 s): reading the namespace and asking the watcher.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<JsonObject> ReviewAsync(string clusterId, Stream body, CancellationToken cancellationToken)
    {
        JsonNode? review = null;
        AdmissionRequest request;
        try
        {
            review = await JsonNode.ParseAsync(body, cancellationToken: cancellationToken);
            request = AdmissionReview.Read(review);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            log.LogWarning("{ClusterId}: admitting without readiness gates a malformed AdmissionReview: {Problem}", clusterId, ex.Message);
            return Answer("failed", AdmissionReview.UidOf(review));
        }

        if (request is not PodCreation pod)
        {
            log.LogDebug("{ClusterId}: {What} is not a Pod creation; admitted as it is", clusterId, ((OtherRequest)request).What);
            return Answer("skipped", request.Uid);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            return await GateAsync(clusterId, pod, budget.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("{ClusterId}: pod {Namespace}/{Pod} admitted without readiness gates: {Problem}", clusterId, pod.Namespace, pod.PodName, Describe(ex));
            return Answer("failed", pod.Uid);
        }
    }

    private async Task<JsonObject> GateAsync(string clusterId, PodCreation pod, CancellationToken cancellationToken)
    {
        // The chart's namespaceSelector already leaves other namespaces out; checked again for any other caller.
        var ns = await clusters.Get(clusterId).CoreV1.ReadNamespaceAsync(pod.Namespace, cancellationToken: cancellationToken);
        if (ns.Metadata?.Labels?.TryGetValue(InjectLabel, out var inject) != true || inject != InjectEnabled)
        {
            log.LogDebug("{ClusterId}: namespace {Namespace} is not labelled {Label}={Enabled}; pod {Pod} admitted as it is", clusterId, pod.Namespace, InjectLabel, InjectEnabled, pod.PodName);
            return Answer("skipped", pod.Uid);
        }

        var found = await registry.Get<MemberClusterManager>().Ask<GatingServices>(
            new FindGatingServices(clusterId, pod.Namespace, pod.Labels), Budget, cancellationToken);
        if (found.Unavailable is { } unavailable)
        {
            throw new InvalidOperationException(unavailable);
        }

        var missing = ReadinessGateInjection.Missing(pod, found.Services);
        if (missing.IsEmpty)
        {
            return Answer("unchanged", pod.Uid);
        }

        log.LogInformation("{ClusterId}: pod {Namespace}/{Pod} gets readiness gates {Gates}", clusterId, pod.Namespace, pod.PodName, string.Join(", ", missing));
        return Answer("injected", pod.Uid, ReadinessGateInjection.Patch(pod, missing));
    }

    private static JsonObject Answer(string result, string uid, JsonArray? patch = null)
    {
        DirectLbMetrics.WebhookAdmissions.WithLabels(result).Inc();
        return AdmissionReview.Allowed(uid, patch);
    }

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException or AskTimeoutException => $"no answer within {Budget.TotalSeconds:0} s",
        KeyNotFoundException => "the member cluster is not known to DirectLB",
        k8s.Autorest.HttpOperationException http => $"reading the namespace failed with {(int)http.Response.StatusCode} {http.Response.ReasonPhrase}",
        _ => ex.Message,
    };
}
