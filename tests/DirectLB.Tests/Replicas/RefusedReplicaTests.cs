using Akka.Actor;
using Akka.Cluster;
using DirectLB.Actors.Replicas;

namespace DirectLB.Tests.Replicas;

public class RefusedReplicaTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static UniqueAddress Replica(int n) => new(new Address("akka.tcp", "directlb", $"10.244.0.{n}", 4053), n);

    private static (UniqueAddress, MemberStatus)[] Up(params int[] replicas) => [.. replicas.Select(n => (Replica(n), MemberStatus.Up))];

    [Theory]
    [InlineData(0, 200, 400, true)]
    [InlineData(0, 10, 20, false)]
    [InlineData(0, 10, 399, false)]
    public void Three_refusals_prove_the_process_gone_only_over_the_whole_span(int first, int second, int third, bool proven)
    {
        var suspect = new RefusedReplica(Replica(1), T0);

        Assert.False(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(first)));
        Assert.False(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(second)));
        Assert.Equal(proven, suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(third)));
        Assert.True(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(first + 400)));
    }

    [Theory]
    [InlineData(ProbeOutcome.Accepted)]
    [InlineData(ProbeOutcome.Unanswered)]
    public void Any_other_answer_starts_the_count_again(ProbeOutcome other)
    {
        var suspect = new RefusedReplica(Replica(1), T0);
        suspect.Observe(ProbeOutcome.Refused, T0);
        suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(200));

        Assert.False(suspect.Observe(other, T0.AddMilliseconds(400)));
        Assert.False(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(600)));
        Assert.False(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(800)));
        Assert.True(suspect.Observe(ProbeOutcome.Refused, T0.AddMilliseconds(1000)));
    }

    [Fact]
    public void Two_of_three_replicas_that_reach_each_other_may_down_the_third()
    {
        Assert.True(RefusedReplica.MajorityWithout(Replica(1), Up(1, 2, 3), []));
        Assert.True(RefusedReplica.MajorityWithout(Replica(1), Up(1, 2, 3), [Replica(1)]));
    }

    [Fact]
    public void A_replica_cut_off_from_both_others_may_not_down_either()
    {
        // Replica 3's view of a partition that answers with resets: 1 and 2 are unreachable (or refusing) for it.
        Assert.False(RefusedReplica.MajorityWithout(Replica(1), Up(1, 2, 3), [Replica(2)]));
        Assert.False(RefusedReplica.MajorityWithout(Replica(1), Up(1, 2, 3), [Replica(1), Replica(2)]));
    }

    [Fact]
    public void The_last_two_replicas_are_no_majority_without_one_of_them()
    {
        Assert.False(RefusedReplica.MajorityWithout(Replica(1), Up(1, 2), []));
    }

    [Fact]
    public void Members_that_left_do_not_count_and_leaving_ones_do()
    {
        (UniqueAddress, MemberStatus)[] members =
            [(Replica(1), MemberStatus.Up), (Replica(2), MemberStatus.Up), (Replica(3), MemberStatus.Exiting), (Replica(4), MemberStatus.Removed)];
        Assert.False(RefusedReplica.MajorityWithout(Replica(1), members, []));

        (UniqueAddress, MemberStatus)[] leaving = [(Replica(1), MemberStatus.Up), (Replica(2), MemberStatus.Up), (Replica(3), MemberStatus.Leaving)];
        Assert.True(RefusedReplica.MajorityWithout(Replica(1), leaving, []));
    }

    [Theory]
    [InlineData(MemberStatus.Up, true)]
    [InlineData(MemberStatus.WeaklyUp, true)]
    [InlineData(MemberStatus.Joining, true)]
    [InlineData(MemberStatus.Leaving, false)]
    [InlineData(MemberStatus.Exiting, false)]
    [InlineData(MemberStatus.Down, false)]
    [InlineData(MemberStatus.Removed, false)]
    public void Only_a_running_member_is_downed_for_refusing(MemberStatus status, bool running)
    {
        Assert.Equal(running, RefusedReplica.IsRunningStatus(status));
    }
}
