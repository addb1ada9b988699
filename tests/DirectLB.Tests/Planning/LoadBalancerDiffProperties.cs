using System.Collections.Immutable;
using CsCheck;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using DirectLB.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Tests.Planning;

/// <summary>
/// The diff over generated pairs of plans: whatever was applied before, its operations never throw and bring the
/// load balancer to the desired one within three rounds (create or change listeners, then their targets).
/// </summary>
public class LoadBalancerDiffProperties(ITestOutputHelper output)
{
    private static readonly Gen<TimeSpan> DrainDelay = Gen.Frequency(
        (3, Gen.OneOf(TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1))),
        (1, Gen.OneOf(TimeSpan.MaxValue, TimeSpan.FromDays(3_650_000))),
        (1, Gen.TimeSpan.Where(t => t >= TimeSpan.Zero)));

    private static readonly Gen<DateTimeOffset> Now = Gen.Frequency(
        (3, Gen.Const(Fixtures.Now)),
        (1, Gen.OneOf(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)),
        (1, Gen.DateTimeOffset));

    [Fact]
    public void Whatever_was_applied_the_operations_reach_the_desired_load_balancer_without_throwing()
    {
        Gen.Select(ValidServiceGen.Input, ValidServiceGen.Input.Null(0.3), DrainDelay, Now).Sample(
            (wanted, before, drainDelay, now) =>
            {
                var desired = wanted.Plan().LoadBalancer! with { DrainDelay = drainDelay };
                var applied = before is null ? null : Converge(before.Plan().LoadBalancer!, null, now).Applied;

                var (result, rounds) = Converge(desired, applied, now);

                Assert.InRange(rounds, 0, 3);
                Assert.Equal(desired.Listeners.Keys.ToHashSet(), result!.Listeners.Keys.ToHashSet());
                foreach (var (key, listener) in desired.Listeners)
                {
                    var got = result.Listeners[key];
                    Assert.Equal(listener.Spec, got.Spec);
                    Assert.Equal(
                        listener.Targets.Values.Where(t => t.State == TargetState.Serving).Select(t => t.Key).Order(),
                        got.Targets.Values.Where(t => t.Spec.State == TargetState.Serving).Select(t => t.Spec.Key).Order());
                    Assert.All(got.Targets.Values, t => Assert.Equal(listener.Targets[t.Spec.Key], t.Spec));
                }

                _ = LoadBalancerDiff.NextDrainDeadline(desired, result);
                Assert.Null(Converge(null, result, now).Applied);
                return applied is null ? "from nothing" : "from another load balancer";
            },
            writeLine: output.WriteLine,
            iter: 5_000);
    }

    [Fact]
    public void A_drain_delay_past_the_end_of_the_calendar_neither_throws_nor_ends_the_drain()
    {
        var desired = Fixtures.Desired(Fixtures.Observation(Fixtures.Service(), Fixtures.Slice("a", [Fixtures.Terminating("10.244.1.5")]))).LoadBalancer!
            with { DrainDelay = TimeSpan.MaxValue };
        var applied = Fixtures.Applied(Fixtures.AppliedDraining("10.244.1.5", Fixtures.Now));

        Assert.Empty(LoadBalancerDiff.Between(desired, applied, Fixtures.Now.AddYears(100)));
        Assert.Equal(DateTimeOffset.MaxValue, LoadBalancerDiff.NextDrainDeadline(desired, applied));
    }

    /// <summary>Applies the diff's operations round after round, as the entity would, until there are none.</summary>
    private static (AppliedLoadBalancer? Applied, int Rounds) Converge(DesiredLoadBalancer? desired, AppliedLoadBalancer? applied, DateTimeOffset now)
    {
        for (var round = 0; round <= 5; round++)
        {
            var operations = LoadBalancerDiff.Between(desired, applied, now);
            if (operations.IsEmpty)
            {
                return (applied, round);
            }

            applied = operations.Aggregate(applied, (lb, operation) => Apply(lb, operation, now));
        }

        throw new InvalidOperationException("the diff did not converge in five rounds");
    }

    private static AppliedLoadBalancer? Apply(AppliedLoadBalancer? applied, ProviderOperation operation, DateTimeOffset now) => operation switch
    {
        ProvisionLoadBalancer p => new AppliedLoadBalancer("lb-1", p.Name, "127.0.201.1", p.Owner, p.Listeners.ToImmutableDictionary(
            l => l.Spec.Key,
            l => new AppliedListener(l.Spec, TargetMap<AppliedTarget>.From(l.Targets.Select(t => new AppliedTarget(t, null)))))),
        EnsureListener e => applied!.WithListener(e.Listener),
        DeleteListener d => applied!.WithoutListener(d.Listener),
        ChangeTargets c => applied!.WithTargetChanges(c.Listener, c.Upserts, c.Removals, now),
        DeleteLoadBalancer => null,
        _ => throw new InvalidOperationException($"the diff planned {operation}"),
    };
}
