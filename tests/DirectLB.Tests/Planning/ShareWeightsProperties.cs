using CsCheck;
using DirectLB.Actors.Planning;
using Xunit.Abstractions;

namespace DirectLB.Tests.Planning;

/// <summary>Share weights over generated shares and pod counts, negative and huge ones included.</summary>
public class ShareWeightsProperties(ITestOutputHelper output)
{
    private static readonly Gen<int> Count = Gen.Frequency((6, Gen.Int[0, 100]), (1, Gen.OneOf(-1, int.MaxValue, int.MinValue)), (1, Gen.Int));

    [Fact]
    public void Weights_stay_between_1_and_the_maximum_and_keep_each_group_s_share_of_traffic()
    {
        Gen.Select(Count, Count).Array[0, 8].Sample(
            groups =>
            {
                var shares = groups.Select((g, i) => (Group: $"g{i}", Share: g.Item1)).ToDictionary(g => g.Group, g => g.Share);
                var pods = groups.Select((g, i) => (Group: $"g{i}", Pods: g.Item2)).ToDictionary(g => g.Group, g => g.Pods);

                var weights = ShareWeights.Compute(shares, pods);

                Assert.All(weights, w => Assert.True(shares[w.Key] > 0 && pods[w.Key] > 0, $"{w.Key} has no pods or no share"));
                Assert.All(weights.Values, w => Assert.InRange(w, 1, ShareWeights.MaxWeight));
                Assert.Equal(shares.Count(s => s.Value > 0 && pods[s.Key] > 0), weights.Count);
                if (weights.IsEmpty)
                {
                    return;
                }

                Assert.Equal(ShareWeights.MaxWeight, weights.Values.Max());

                // A group's traffic is weight × pods; against the heaviest pod's group it keeps the ratio of the shares,
                // within the rounding of one weight step (and the floor of 1 for groups far lighter than the heaviest).
                var perPod = weights.ToDictionary(w => w.Key, w => (double)shares[w.Key] / pods[w.Key]);
                var heaviest = perPod.Values.Max();
                foreach (var (group, weight) in weights)
                {
                    var exact = ShareWeights.MaxWeight * perPod[group] / heaviest;
                    Assert.InRange(weight, Math.Max(1, exact - 0.5), Math.Max(1, exact + 0.5));
                }
            },
            writeLine: output.WriteLine,
            iter: 20_000);
    }
}
