using CsCheck;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Planning;

/// <summary>The planner's target map against a plain dictionary as the model, over generated changes.</summary>
public class TargetMapProperties
{
    // Few addresses and ports, so that upserts, removals and lookups meet the same keys often; IPv6 beside IPv4.
    private static readonly Gen<TargetKey> Key = Gen.Select(Gen.OneOf("10.244.1.5", "10.244.1.40", "10.244.2.5", "fd00::7", "fd00::10"), Gen.OneOf(80, 8080, 9090), (a, p) => new TargetKey(a, p));

    private static readonly Gen<TargetSpec> Target = Gen.Select(Key, Gen.Int[1, 3], Gen.Enum<TargetState>(), (k, w, s) => new TargetSpec(k, w, s, "east"));

    private static readonly Gen<(TargetKey[] Removals, TargetSpec[] Upserts)> Change = Gen.Select(Key.Array[0, 4], Target.Array[0, 4]);

    [Fact]
    public void A_map_changed_any_number_of_times_holds_what_a_dictionary_would_in_key_order()
    {
        Gen.Select(Change.Array[0, 8], Key.Array[1, 6]).Sample(
            sample =>
            {
                var (changes, lookups) = sample;
                var map = TargetMap<TargetSpec>.Empty;
                var model = new Dictionary<TargetKey, TargetSpec>();
                foreach (var (removals, upserts) in changes)
                {
                    map = map.With(removals.ToHashSet(), upserts);
                    foreach (var removal in removals)
                    {
                        model.Remove(removal);
                    }

                    foreach (var upsert in upserts)
                    {
                        model[upsert.Key] = upsert;
                    }
                }

                Assert.Equal(model.Count, map.Count);
                Assert.Equal(model.OrderBy(p => p.Key).ToList(), map.ToList());
                Assert.Equal(map.Keys, map.Values.Select(v => v.Key));
                foreach (var key in lookups)
                {
                    Assert.Equal(model.ContainsKey(key), map.ContainsKey(key));
                    Assert.Equal(model.GetValueOrDefault(key), map.GetValueOrDefault(key));
                }
            });
    }

    [Fact]
    public void A_change_that_changes_nothing_keeps_the_same_map_and_one_that_does_leaves_the_old_map_as_it_was()
    {
        var before = TargetMap<TargetSpec>.From([Serving("10.244.1.5"), Serving("10.244.1.40")]);

        var unchanged = before.With(new HashSet<TargetKey> { new("10.244.9.9", 8080) }, []);
        var changed = before.With(new HashSet<TargetKey> { new("10.244.1.5", 8080) }, [Serving("10.244.2.5")]);

        Assert.Same(before, unchanged);
        Assert.Equal(["10.244.1.40:8080", "10.244.1.5:8080"], before.Keys.Select(k => k.ToString()));
        Assert.Equal(["10.244.1.40:8080", "10.244.2.5:8080"], changed.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void A_target_given_twice_is_refused_as_a_dictionary_refused_it()
    {
        var error = Assert.Throws<ArgumentException>(() => TargetMap<TargetSpec>.From([Serving("10.244.1.5"), Serving("10.244.1.5") with { Weight = 2 }]));

        Assert.Contains("10.244.1.5:8080", error.Message, StringComparison.Ordinal);
    }

    private static TargetSpec Serving(string ip) => new(new TargetKey(ip, 8080), 1, TargetState.Serving, "east");
}
