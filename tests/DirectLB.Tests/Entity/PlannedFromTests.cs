using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>The entity plans again whenever one of the things a plan is made from has been replaced, and only then.</summary>
public class PlannedFromTests
{
    private static readonly ClusterObservation East = ObservationIn("east", Service(), Slice("web-abc", [Ready("10.244.1.5")]));
    private static readonly ClusterObservation West = ObservationIn("west", Service(), Slice("web-def", [Ready("10.245.1.5")]));
    private static readonly AppliedLoadBalancer Current = Applied(AppliedServing("10.244.1.5"));
    private static readonly ProviderOperation Refused = new DeleteLoadBalancer("lb-1");

    private static readonly PlannedFrom Last = new([East, West], Current, Refused, new DesiredState(null, []));

    [Fact]
    public void The_plan_stands_while_nothing_it_was_made_from_is_replaced()
    {
        Assert.True(Last.IsFrom(Clusters(West, East), Current, Refused));
    }

    [Fact]
    public void A_new_observation_an_equal_one_included_means_planning_again()
    {
        Assert.False(Last.IsFrom(Clusters(East, West with { }), Current, Refused));
        Assert.False(Last.IsFrom(Clusters(East), Current, Refused));
        Assert.False(Last.IsFrom(Clusters(East, West, ObservationIn("north", Service())), Current, Refused));
    }

    [Fact]
    public void Another_applied_load_balancer_or_refused_address_means_planning_again()
    {
        Assert.False(Last.IsFrom(Clusters(East, West), Current with { }, Refused));
        Assert.False(Last.IsFrom(Clusters(East, West), null, Refused));
        Assert.False(Last.IsFrom(Clusters(East, West), Current, null));
        Assert.False(Last.IsFrom(Clusters(East, West), Current, new DeleteLoadBalancer("lb-1")));
    }

    private static Dictionary<string, ClusterObservation> Clusters(params ClusterObservation[] observations) =>
        observations.ToDictionary(o => o.ClusterId);
}
