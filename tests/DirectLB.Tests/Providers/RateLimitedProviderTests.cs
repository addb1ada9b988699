using DirectLB.Providers;
using DirectLB.Providers.Simulated;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Providers;

public class RateLimitedProviderTests
{
    [Fact]
    public async Task Calls_wait_in_line_under_the_quota_instead_of_being_throttled()
    {
        // The cloud's burst is twice the line's: on a busy machine the line's timer can release its whole burst at
        // once after a stall, and that must still fit (with equal bursts, a stall could cost a throttled call: the test failed so under heavy load).
        var cloud = new SimulatedProvider(new SimulatedProviderOptions { RateLimitPerSecond = 20, RateLimitBurst = 10 });
        await using var limited = new RateLimitedProvider(cloud, callsPerSecond: 15, burst: 5);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => limited.FindLoadBalancerAsync(Owner, CancellationToken.None)));

        Assert.Equal(40, cloud.CallCount(ProviderCallKind.FindLoadBalancer));
        Assert.Equal(0, cloud.ThrottledCalls);
    }

    [Fact]
    public async Task Without_the_line_the_same_burst_is_mostly_throttled()
    {
        var cloud = new SimulatedProvider(new SimulatedProviderOptions { RateLimitPerSecond = 20, RateLimitBurst = 10 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            try
            {
                await cloud.FindLoadBalancerAsync(Owner, CancellationToken.None);
                return true;
            }
            catch (ProviderThrottledException)
            {
                return false;
            }
        }));

        Assert.True(outcomes.Count(ok => !ok) >= 25, $"{outcomes.Count(ok => !ok)} of 40 throttled");
    }
}
