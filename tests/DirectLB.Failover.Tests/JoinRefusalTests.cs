using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Failover.Tests.Support;
using DirectLB.Tests.Shared.Replicas;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests;

/// <summary>A replica configured differently from the cluster it joins is refused, and says why.</summary>
[Trait("Category", "Failover")]
public sealed class JoinRefusalTests(ITestOutputHelper output) : ReplicaTest(output, serviceCount: 0)
{
    [Fact]
    public async Task A_replica_serving_another_load_balancer_class_is_refused_with_a_clear_log_line()
    {
        try
        {
            int[] ports = [FreePort.Next(), FreePort.Next()];
            var member = StartReplica("member", ports[0], ports);
            await Eventually.Until(member.IsReadyAsync, "the first replica is ready", TimeSpan.FromSeconds(60));

            var stranger = StartReplica("stranger", ports[1], ports, "--class", "example.com/other");

            await stranger.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            Assert.Matches("refusing replica .*differs from this cluster's in load-balancer-class", member.ReadLog());
            Output.WriteLine(stranger.Tail(10));
            Assert.Equal(1, await member.UpMembersAsync());
            Assert.True(await member.IsReadyAsync());
        }
        catch (Exception) when (DumpLogs())
        {
            throw;
        }
    }
}
