using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class SessionAffinityPlanningTests
{
    [Theory]
    [InlineData(null, ClientIpAffinity.DefaultTimeoutSeconds)]
    [InlineData(1, 1)]
    [InlineData(60, 60)]
    [InlineData(86400, 86400)]
    public void ClientIP_affinity_gives_every_listener_its_timeout_or_the_Kubernetes_default(int? given, int kept)
    {
        var service = Service(ports: [Port("http", 80), Port("https", 443)]) with { SessionAffinity = "ClientIP", AffinityTimeoutSeconds = given };

        var listeners = Desired(Observation(service, Slice("a", [Ready("10.244.1.5")], new("http", "TCP", 8080), new("https", "TCP", 8443)))).LoadBalancer!.Listeners;

        Assert.All(listeners.Values, l => Assert.Equal(new ClientIpAffinity(kept), l.Spec.Affinity));
    }

    [Theory]
    [InlineData("None", null)]
    [InlineData("", null)]
    [InlineData("None", 60)]
    public void No_affinity_leaves_the_listener_balancing_every_connection(string kind, int? timeout)
    {
        var desired = Desired(Observation(Service() with { SessionAffinity = kind, AffinityTimeoutSeconds = timeout }));

        Assert.Empty(desired.Errors);
        Assert.Null(desired.LoadBalancer!.Listeners[Http].Spec.Affinity);
    }

    [Theory]
    [InlineData("clientip")]
    [InlineData("ClientIP ")]
    [InlineData("Cookie")]
    [InlineData("none")]
    public void An_affinity_other_than_None_or_ClientIP_is_an_error_and_nothing_is_planned(string kind)
    {
        var desired = Desired(Observation(Service() with { SessionAffinity = kind }));

        Assert.Null(desired.LoadBalancer);
        Assert.StartsWith("spec.sessionAffinity '", Assert.Single(desired.Errors));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(86401)]
    [InlineData(int.MaxValue)]
    public void A_timeout_Kubernetes_would_not_accept_is_an_error(int timeout)
    {
        var desired = Desired(Observation(Service() with { SessionAffinity = "ClientIP", AffinityTimeoutSeconds = timeout }));

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("timeoutSeconds", Assert.Single(desired.Errors));
    }

    [Fact]
    public void A_provider_that_cannot_keep_a_client_on_one_target_gets_an_error_not_a_round_robin()
    {
        var desired = Desired(Observation(Service() with { SessionAffinity = "ClientIP" }), capabilities: Capabilities with { SupportsSessionAffinity = false });

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("cannot keep a client on one target", Assert.Single(desired.Errors));
    }

    [Fact]
    public void Turning_affinity_on_changes_the_listener_in_place_and_leaves_its_targets_alone()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(Service() with { SessionAffinity = "ClientIP", AffinityTimeoutSeconds = 30 }, Slice("a", [Ready("10.244.1.5")])));

        var operations = LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now);

        var ensure = Assert.IsType<EnsureListener>(Assert.Single(operations));
        Assert.Equal(HttpSpec with { Affinity = new ClientIpAffinity(30) }, ensure.Listener);
    }
}
