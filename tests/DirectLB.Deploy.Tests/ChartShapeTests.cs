using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

/// <summary>The production shape of the chart with its default values.</summary>
public class ChartShapeTests
{
    private readonly IReadOnlyList<RenderedDocument> documents = Repository.Chart.Render();

    private Dictionary<string, object?> Pod => documents.Single("StatefulSet").Tree.Map("spec.template");

    private Dictionary<string, object?> Container => Pod.Maps("spec.containers").Single();

    [Fact]
    public void Renders_every_kind_of_the_production_shape_once()
    {
        string[] expected =
        [
            "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "PodDisruptionBudget", "Role", "RoleBinding",
            "Secret", "Service", "Service", "ServiceAccount", "StatefulSet",
        ];
        Assert.Equal(expected, documents.Select(document => document.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Runs_three_replicas_of_which_one_at_a_time_may_be_disrupted()
    {
        var statefulSet = documents.Single("StatefulSet").Tree;
        Assert.Equal(3L, statefulSet.At("spec.replicas"));
        Assert.Equal(1L, documents.Single("PodDisruptionBudget").Tree.At("spec.maxUnavailable"));
        Assert.Equal(
            PlainTree.Canonical(statefulSet.At("spec.selector.matchLabels")),
            PlainTree.Canonical(documents.Single("PodDisruptionBudget").Tree.At("spec.selector.matchLabels")));
    }

    [Fact]
    public void Replicas_find_each_other_through_the_headless_Service_as_seed_nodes()
    {
        var service = documents.OfKind("Service").Single(document => document.Name == "directlb-akka").Tree;
        Assert.Equal("None", service.Str("spec.clusterIP"));
        Assert.Equal(true, service.At("spec.publishNotReadyAddresses"));
        Assert.Contains(service.Maps("spec.ports"), port => port.Str("name") == "akka" && Equals(port.At("port"), 4053L));
        Assert.Equal("directlb-akka", documents.Single("StatefulSet").Tree.Str("spec.serviceName"));

        var args = Container.Strings("args");
        Assert.Contains("--DirectLB:Cluster:Port=4053", args);
        Assert.Contains("--DirectLB:Cluster:Hostname=$(POD_NAME).directlb-akka.$(POD_NAMESPACE).svc.cluster.local", args);
        Assert.Contains("--DirectLB:Cluster:BindHostname=0.0.0.0", args); // the pod's DNS name is advertised, not bound
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            Assert.Contains(
                $"--DirectLB:Cluster:SeedNodes:{ordinal}=akka.tcp://directlb@directlb-{ordinal}.directlb-akka.directlb.svc.cluster.local:4053",
                args);
        }

        // $(POD_NAME) and $(POD_NAMESPACE) expand only from env vars declared on the container.
        var downward = Container.Maps("env").Where(env => env.ContainsKey("valueFrom") && env.Map("valueFrom").ContainsKey("fieldRef"));
        Assert.Equal(["POD_NAME", "POD_NAMESPACE"], downward.Select(env => env.Str("name")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Runs_the_chart_app_version_with_the_http_provider_and_json_logs()
    {
        Assert.Equal("ghcr.io/example/directlb:0.1.0", Container.Str("image"));
        var args = Container.Strings("args");
        Assert.Contains("--provider=http", args);
        Assert.Contains("--DirectLB:Http:BaseUrl=http://lb-api.example.internal:8080", args);
        Assert.Contains("--log-format=json", args);
        Assert.Contains("--listen=http://0.0.0.0:8080", args); // probes and Prometheus reach the pod IP, not loopback
        Assert.Contains("--member-secrets-namespace=directlb", args);
        Assert.Contains("--cluster-id=default", args);
    }

    [Fact]
    public void Probes_ask_healthz_and_readyz_on_the_named_http_port()
    {
        Assert.Contains(Container.Maps("ports"), port => port.Str("name") == "http" && Equals(port.At("containerPort"), 8080L));
        Assert.Equal("/healthz", Container.Str("livenessProbe.httpGet.path"));
        Assert.Equal("http", Container.Str("livenessProbe.httpGet.port"));
        Assert.Equal("/readyz", Container.Str("readinessProbe.httpGet.path"));
        Assert.Equal("http", Container.Str("readinessProbe.httpGet.port"));
    }

    [Fact]
    public void Requests_and_limits_come_from_values()
    {
        var resources = PlainTree.Canonical(Container.At("resources"));
        var values = PlainYaml.Load(File.ReadAllText(Repository.Deploy("helm", "directlb", "values.yaml")));
        Assert.Equal(PlainTree.Canonical(values.At("resources")), resources);
        Assert.Equal("512Mi", Container.Str("resources.limits.memory"));
    }

    [Fact]
    public void Runs_as_non_root_on_a_read_only_root_with_no_capabilities()
    {
        Assert.Equal(true, Pod.At("spec.securityContext.runAsNonRoot"));
        Assert.Equal(false, Container.At("securityContext.allowPrivilegeEscalation"));
        Assert.Equal(true, Container.At("securityContext.readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], Container.Strings("securityContext.capabilities.drop"));
        Assert.Equal("directlb", Pod.Str("spec.serviceAccountName"));
    }

    [Fact]
    public void The_journal_is_PostgreSQL_with_its_connection_string_from_a_Secret()
    {
        var env = Container.Maps("env").ToDictionary(variable => variable.Str("name"));
        Assert.Equal("postgresql", env["DIRECTLB_DirectLB__Journal__Provider"].Str("value"));
        var connection = env["DIRECTLB_DirectLB__Journal__ConnectionString"];
        Assert.False(connection.ContainsKey("value"));
        Assert.Equal("directlb-journal", connection.Str("valueFrom.secretKeyRef.name"));
        Assert.Equal("connection-string", connection.Str("valueFrom.secretKeyRef.key"));
    }

    [Fact]
    public void Prometheus_scrapes_metrics_on_the_http_port()
    {
        var annotations = Pod.Map("metadata.annotations");
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal("8080", annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    [Fact]
    public void A_ServiceMonitor_is_rendered_only_when_asked_for()
    {
        Assert.Empty(documents.OfKind("ServiceMonitor"));
        var monitor = Repository.Chart.Render("serviceMonitor: { enabled: true }").Single("ServiceMonitor").Tree;
        var endpoint = monitor.Maps("spec.endpoints").Single();
        Assert.Equal("http", endpoint.Str("port"));
        Assert.Equal("/metrics", endpoint.Str("path"));
    }

    [Fact]
    public void Every_namespaced_object_lands_in_the_release_namespace()
    {
        string[] clusterScoped = ["ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration"];
        foreach (var document in Repository.Chart.Render(releaseNamespace: "lb-system").Where(document => !clusterScoped.Contains(document.Kind)))
        {
            Assert.Equal("lb-system", document.Tree.Str("metadata.namespace"));
        }
    }
}
