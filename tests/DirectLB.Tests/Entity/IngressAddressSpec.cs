using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// Publishing the load balancer's address: a DNS name in the form the API server accepts, one it would refuse left out
/// with an Event, and a status write the API server refuses held until its retry while the load balancer goes on
/// following its pods.
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

    [Fact]
    public void While_the_API_server_refuses_the_status_the_targets_still_follow_the_pods()
    {
        // A backoff far longer than the test: a refused status write that held the entity back would hold the new pod out.
        var entity = StartEntity(options: FastOptions with { MinBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromMinutes(2) });
        Writer.FailIngress = true;

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        AwaitCondition(() => Writer.RefusedIngress >= 1, Deadline);
        entity.Tell(Observed(Service(resourceVersion: "11"), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        Assert.Contains(Writer.Events, e => e.IsWarning && e.Reason == ServiceEventReason.SyncLoadBalancerFailed && e.Message.Contains("setting status ingress"));
        Assert.Equal(1, Writer.RefusedIngress);
    }

    [Fact]
    public void A_refused_status_write_is_tried_again_at_its_retry_time_and_lands_once_the_API_server_takes_it()
    {
        var entity = StartEntity(options: FastOptions with { MinBackoff = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromSeconds(1) });
        Writer.FailIngress = true;

        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitCondition(() => Writer.RefusedIngress >= 2, Deadline);
        Writer.FailIngress = false;

        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [{Cloud.LoadBalancers.Single().Address}]", Writer.Writes), Deadline);
    }
}
