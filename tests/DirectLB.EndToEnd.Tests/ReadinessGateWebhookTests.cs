using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Webhook;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// The readiness gate webhook as the API server calls it: real <c>admission.k8s.io/v1</c> AdmissionReviews over
/// HTTPS (a certificate from the test's own authority, which the client alone trusts), the JSON patch applied to the
/// pod as the API server would, against the Services DirectLB's watcher lists from the API test server.
/// </summary>
public sealed class ReadinessGateWebhookTests : IAsyncLifetime
{
    private const string Gate = "target-health.directlb.io/";
    private static readonly Dictionary<string, string> WebLabels = new() { ["app"] = "web", ["tier"] = "front", ["pod-template-hash"] = "7d9f" };

    private readonly string _workDir = Directory.CreateTempSubdirectory("directlb-webhook-").FullName;
    private readonly WebhookTls _tls = new();
    private readonly RecordingLog _log = new();
    private KubeApiServer.KubeApiServer _api = null!;
    private DirectLbUnderTest _directLb = null!;

    private string CertFile => Path.Combine(_workDir, "tls.crt");

    private string KeyFile => Path.Combine(_workDir, "tls.key");

    private Uri Webhook => _directLb.Services.GetRequiredService<WebhookServer>().BaseAddress!;

    public async Task InitializeAsync()
    {
        _tls.Issue(CertFile, KeyFile);
        _api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        _directLb = await DirectLbUnderTest.StartWithAsync(
            _workDir,
            new DirectLB.Providers.Simulated.SimulatedProvider(),
            [
                "--kubeconfig", _api.WriteKubeconfig(Path.Combine(_workDir, "kubeconfig")), "--cluster-id", "east",
                "--webhook-listen", "127.0.0.1:0", "--webhook-cert", CertFile, "--webhook-key", KeyFile,
            ],
            services => services
                .AddSingleton<ILogger<PodGateWebhook>>(new RecordingLog.Logger<PodGateWebhook>(_log))
                .AddSingleton<ILogger<WebhookCertificate>>(new RecordingLog.Logger<WebhookCertificate>(_log)));
        _api.Store.Create(Namespaced(Namespace, inject: "enabled"));
    }

    public async Task DisposeAsync()
    {
        await _directLb.DisposeAsync();
        await _api.DisposeAsync();
        _tls.Dispose();
        Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task A_pod_gets_one_gate_for_each_Service_of_DirectLB_class_that_selects_it_after_the_gates_it_has()
    {
        // Services that must not gate the pod come first: once the last one is seen, the watcher has seen them all.
        _api.Store.Create(LoadBalancerService("api")); // selects app=api
        _api.Store.Create(WithSelector(LoadBalancerService("web-internal"), "app", "web", service =>
        {
            service.Spec.Type = "ClusterIP";
            service.Spec.LoadBalancerClass = null; // only a LoadBalancer Service has a class
        }));
        _api.Store.Create(WithSelector(LoadBalancerService("web-elsewhere"), "app", "web", service => service.Spec.LoadBalancerClass = "example.com/other"));
        _api.Store.Create(Namespaced("other", inject: "enabled"));
        _api.Store.Create(WithSelector(LoadBalancerService("web-other-namespace"), "app", "web", service => service.Metadata.NamespaceProperty = "other"));
        _api.Store.Create(WithSelector(LoadBalancerService("front"), "tier", "front"));
        _api.Store.Create(LoadBalancerService("web")); // selects app=web

        var pod = Pod(WebLabels, gates: ["example.com/warmed-up"]);
        var patched = await EventuallyPatchedAsync(pod, gates => gates.Contains(Gate + "web"));

        Assert.Equal(["example.com/warmed-up", Gate + "front", Gate + "web"], patched);
    }

    [Fact]
    public async Task A_gate_the_pod_lists_already_is_never_added_again()
    {
        _api.Store.Create(WithSelector(LoadBalancerService("front"), "tier", "front"));
        _api.Store.Create(LoadBalancerService("web"));
        await EventuallyPatchedAsync(Pod(WebLabels), gates => gates.Contains(Gate + "web") && gates.Contains(Gate + "front"));

        Assert.Equal([Gate + "web", Gate + "front"], await PatchedGatesAsync(Pod(WebLabels, gates: [Gate + "web"])));
        var unchanged = await ReviewAsync(Pod(WebLabels, gates: [Gate + "front", Gate + "web"]));
        Assert.True(unchanged["allowed"]!.GetValue<bool>());
        Assert.Null(unchanged["patch"]);
    }

    [Fact]
    public async Task A_pod_in_a_namespace_not_labelled_for_injection_is_admitted_unchanged()
    {
        _api.Store.Create(Namespaced("plain", inject: null));
        _api.Store.Create(Namespaced("off", inject: "disabled"));
        _api.Store.Create(WithSelector(LoadBalancerService("web"), "app", "web", service => service.Metadata.NamespaceProperty = "plain"));
        _api.Store.Create(WithSelector(LoadBalancerService("web"), "app", "web", service => service.Metadata.NamespaceProperty = "off"));
        _api.Store.Create(LoadBalancerService("web"));
        await EventuallyPatchedAsync(Pod(WebLabels), gates => gates.Contains(Gate + "web")); // the watcher has all three

        foreach (var ns in new[] { "plain", "off" })
        {
            var response = await ReviewAsync(Pod(WebLabels, ns: ns));
            Assert.True(response["allowed"]!.GetValue<bool>());
            Assert.Null(response["patch"]);
            Assert.Null(response["patchType"]);
        }
    }

    [Fact]
    public async Task A_pod_created_before_its_Service_exists_gets_no_gate()
    {
        var response = await ReviewAsync(Pod(WebLabels));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
    }

    [Fact]
    public async Task A_Service_that_leaves_DirectLB_class_or_is_deleted_gates_no_new_pod()
    {
        _api.Store.Create(WithSelector(LoadBalancerService("front"), "tier", "front"));
        _api.Store.Create(LoadBalancerService("web"));
        await EventuallyPatchedAsync(Pod(WebLabels), gates => gates.Contains(Gate + "web") && gates.Contains(Gate + "front"));

        // Read, change, write, and read again on a 409, as kubectl edit does: DirectLB may write the Service in between.
        await Eventually.Assert(() =>
        {
            var web = _api.Store.Get<V1Service>(Namespace, "web")!;
            web.Spec.Type = "ClusterIP"; // its class goes with it: a LoadBalancer Service's class is fixed
            _api.Store.Replace(web);
        });
        await EventuallyPatchedAsync(Pod(WebLabels), gates => !gates.Contains(Gate + "web"));
        _api.Store.Delete<V1Service>(Namespace, "front");

        Assert.Empty(await EventuallyPatchedAsync(Pod(WebLabels), gates => gates.Count == 0));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"shop","object":{"metadata":{"labels":{"app":7}},"spec":{}}}}""")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-2","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"shop","object":{"metadata":{},"spec":{"readinessGates":{}}}}}""")]
    public async Task A_malformed_review_is_admitted_without_a_patch_and_logged(string body)
    {
        _api.Store.Create(LoadBalancerService("web"));

        var response = await PostAsync("east", body);

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Equal(AdmissionUid(body), response["uid"]!.GetValue<string>());
        Assert.Contains(_log.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("malformed AdmissionReview", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pod_of_a_member_cluster_DirectLB_does_not_watch_is_admitted_unchanged_and_logged()
    {
        _api.Store.Create(LoadBalancerService("web"));
        await EventuallyPatchedAsync(Pod(WebLabels), gates => gates.Contains(Gate + "web"));

        var response = await PostAsync("west", Review(Pod(WebLabels)));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Contains(_log.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("west: pod shop/web-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_without_a_restart_and_a_broken_one_is_not()
    {
        var first = Assert.IsType<X509Certificate2>(await PresentedAsync());
        using var renewal = new WebhookTls("renewed-ca");
        var renewed = renewal.Issue(CertFile, KeyFile, helmRsa: true);

        await Eventually.Until(async () => await PresentedAsync(renewal) is { } now && now.Thumbprint == renewed.Thumbprint, "the renewed certificate is served");
        Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);

        await File.WriteAllTextAsync(KeyFile, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
        await Eventually.Until(
            async () => await PresentedAsync(renewal) is not null
                && _log.Lines.Any(line => line.Level == LogLevel.Warning && line.Message.Contains("do not load", StringComparison.Ordinal)),
            "the broken pair is refused");
        Assert.Equal(renewed.Thumbprint, (await PresentedAsync(renewal))!.Thumbprint);
    }

    private async Task<X509Certificate2?> PresentedAsync(WebhookTls? trusting = null)
    {
        X509Certificate2? presented = null;
        using var client = (trusting ?? _tls).Client(certificate => presented = certificate);
        try
        {
            await client.PostAsync(new Uri(Webhook, "mutate-pods/east"), new StringContent(Review(Pod(WebLabels)), Encoding.UTF8, "application/json"));
        }
        catch (HttpRequestException)
        {
            return null; // not trusted (yet): the certificate of the other authority is still served
        }

        return presented;
    }

    private async Task<IReadOnlyList<string>> EventuallyPatchedAsync(V1Pod pod, Func<IReadOnlyList<string>, bool> done)
    {
        IReadOnlyList<string> gates = [];
        await Eventually.Until(async () => done(gates = await PatchedGatesAsync(pod)), "the webhook knows the Services");
        return gates;
    }

    /// <summary>The pod's readiness gates after the webhook's patch, applied as the API server applies it.</summary>
    private async Task<IReadOnlyList<string>> PatchedGatesAsync(V1Pod pod)
    {
        var response = await ReviewAsync(pod);
        Assert.True(response["allowed"]!.GetValue<bool>());
        var podJson = JsonNode.Parse(KubernetesJson.Serialize(pod));
        if (response["patch"] is { } patch)
        {
            Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
            podJson = JsonPatch.Apply(podJson, JsonNode.Parse(Convert.FromBase64String(patch.GetValue<string>())));
        }

        return [.. (podJson!["spec"]!["readinessGates"]?.AsArray() ?? []).Select(gate => gate!["conditionType"]!.GetValue<string>())];
    }

    private Task<JsonObject> ReviewAsync(V1Pod pod) => PostAsync("east", Review(pod));

    private async Task<JsonObject> PostAsync(string clusterId, string review)
    {
        using var client = _tls.Client();
        using var answer = await client.PostAsync(new Uri(Webhook, $"mutate-pods/{clusterId}"), new StringContent(review, Encoding.UTF8, "application/json"));
        answer.EnsureSuccessStatusCode();
        var body = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("admission.k8s.io/v1", body["apiVersion"]!.GetValue<string>());
        Assert.Equal("AdmissionReview", body["kind"]!.GetValue<string>());
        return body["response"]!.AsObject();
    }

    private static string AdmissionUid(string body) =>
        body.Contains("\"uid\":\"", StringComparison.Ordinal) ? body.Split("\"uid\":\"")[1].Split('"')[0] : "";

    /// <summary>A review as the API server sends it for a pod a ReplicaSet creates: generateName, no name yet.</summary>
    private static string Review(V1Pod pod) => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = Guid.NewGuid().ToString(),
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["requestKind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["namespace"] = pod.Metadata.NamespaceProperty,
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:replicaset-controller" },
            ["object"] = JsonNode.Parse(KubernetesJson.Serialize(pod)),
            ["oldObject"] = null,
            ["dryRun"] = false,
            ["options"] = new JsonObject { ["apiVersion"] = "meta.k8s.io/v1", ["kind"] = "CreateOptions" },
        },
    }.ToJsonString();

    private static V1Pod Pod(Dictionary<string, string> labels, string ns = Namespace, string[]? gates = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { GenerateName = "web-7d9f-", NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "web", Image = "example.com/web:1" }],
            ReadinessGates = gates?.Select(type => new V1PodReadinessGate { ConditionType = type }).ToList(),
        },
    };

    private static V1Namespace Namespaced(string name, string? inject) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = inject is null ? null : new Dictionary<string, string> { [PodGateWebhook.InjectLabel] = inject },
        },
    };

    private static V1Service WithSelector(V1Service service, string key, string value, Action<V1Service>? change = null)
    {
        service.Spec.Selector = new Dictionary<string, string> { [key] = value };
        change?.Invoke(service);
        return service;
    }

    /// <summary>The log lines of the webhook and of its certificate.</summary>
    private sealed class RecordingLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

        public IReadOnlyList<(LogLevel Level, string Message)> Lines => [.. _lines];

        public sealed class Logger<T>(RecordingLog log) : ILogger<T>
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log._lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
