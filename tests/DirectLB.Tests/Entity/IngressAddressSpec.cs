using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// A provider whose load balancer addresses are DNS names: published in the form the API server accepts, and one it
/// would refuse is left out of the status with an Event, while the load balancer goes on following its pods (a
/// status write the API server refuses would fail at every retry and hold the entity in backoff).
/// </summary>
public class IngressAddressSpec : EntitySpec
{
    [Fact]
    public void A_DNS_name_in_capitals_with_the_roots_dot_is_published_lowercase_without_it()
    {
        var provider = new GatedProvider(Cloud) { AnswerAddress = _ => "LB-1.Example.COM." };
        var entity = StartEntity(provider);

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));

        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [lb-1.example.com]", Writer.Writes), Deadline);
        Assert.DoesNotContain(Writer.Events, e => e.IsWarning);
    }

    [Fact]
    public void An_address_the_status_cannot_carry_is_left_out_with_one_Event_and_the_targets_still_follow_the_pods()
    {
        var provider = new GatedProvider(Cloud) { AnswerAddress = _ => "lb_1.example.com" };
        var entity = StartEntity(provider);

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        entity.Tell(Observed(Service(resourceVersion: "11"), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        AwaitAssert(() => Assert.Single(Writer.Events, e => e.IsWarning && e.Reason == ServiceEventReason.SyncLoadBalancerFailed
            && e.Message.Contains("\"lb_1.example.com\" is left out of status.loadBalancer.ingress")), Deadline);
        Assert.DoesNotContain(Writer.Writes, w => w.Contains("lb_1", StringComparison.Ordinal));
    }
}
