using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

/// <summary>The load balancer nodes' DaemonSet (lbAgent.*) and what the replicas need to talk to it.</summary>
public class LbAgentChartTests
{
    private const string Agents = """
        lbAgent:
          enabled: true
          tlsSecret: lb-agent-tls
        provider:
          http:
            baseUrl: https://10.0.0.11:9470/,https://10.0.0.12:9470/
            tokenSecret: lb-agent-token
        """;

    private readonly IReadOnlyList<RenderedDocument> documents = Repository.Chart.Render(Agents);

    private Dictionary<string, object?> Pod => documents.Single("DaemonSet").Tree.Map("spec.template");

    private Dictionary<string, object?> Agent => Pod.Maps("spec.containers").Single();

    private Dictionary<string, object?> Replica => documents.Single("StatefulSet").Tree.Map("spec.template").Maps("spec.containers").Single();

    [Fact]
    public void No_agent_is_rendered_unless_asked_for()
    {
        Assert.Empty(Repository.Chart.Render().OfKind("DaemonSet"));
        Assert.DoesNotContain(Repository.Chart.Render().Single("StatefulSet").Text, "BearerToken");
    }

    [Fact]
    public void Agents_run_on_the_labelled_nodes_with_host_networking_and_the_HAProxy_image()
    {
        Assert.Equal(true, Pod.At("spec.hostNetwork"));
        Assert.Equal("true", Pod.Map("spec.nodeSelector")["directlb.io/lb-node"]);
        Assert.Equal("ghcr.io/example/directlb:0.1.0-haproxy", Agent.Str("image"));
        Assert.Equal(
            ["lb-agent", "--listen=0.0.0.0:9470", "--vip-pool=192.0.2.0/24", "--haproxy-state=/var/lib/directlb/haproxy", "--log-format=json",
             "--token-file=/etc/directlb/token/token", "--tls-cert=/etc/directlb/tls/tls.crt", "--tls-key=/etc/directlb/tls/tls.key"],
            Agent.Strings("args"));
        Assert.Equal(["NET_BIND_SERVICE"], Agent.Strings("securityContext.capabilities.add"));
        Assert.Equal("/var/lib/directlb/haproxy", Pod.Maps("spec.volumes").Single(v => v.Str("name") == "state").Str("hostPath.path"));
        Assert.Equal(("/readyz", "HTTPS"), (Agent.Str("readinessProbe.httpGet.path"), Agent.Str("readinessProbe.httpGet.scheme")));
    }

    [Fact]
    public void Replicas_send_the_agents_token_from_the_same_Secret_and_trust_only_the_agents_CA()
    {
        var env = Replica.Maps("env").ToDictionary(variable => variable.Str("name"));
        var token = env["DIRECTLB_DirectLB__Http__BearerToken"];
        Assert.False(token.ContainsKey("value"));
        Assert.Equal(("lb-agent-token", "token"), (token.Str("valueFrom.secretKeyRef.name"), token.Str("valueFrom.secretKeyRef.key")));
        Assert.Equal("lb-agent-token", Pod.Maps("spec.volumes").Single(v => v.Str("name") == "token").Str("secret.secretName"));
        Assert.Equal("/etc/directlb/lb-agent-ca/ca.crt", env["DIRECTLB_DirectLB__Http__CaCertificate"].Str("value"));
        var ca = documents.Single("StatefulSet").Tree.Map("spec.template").Maps("spec.volumes").Single(v => v.Str("name") == "lb-agent-ca");
        Assert.Equal(["ca.crt"], ca.Maps("secret.items").Select(item => item.Str("key")));
        Assert.Contains("--DirectLB:Http:BaseUrl=https://10.0.0.11:9470/,https://10.0.0.12:9470/", Replica.Strings("args"));
    }
}
