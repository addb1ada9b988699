using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Failover.Tests.Support;
using DirectLB.Tests.Shared.Replicas;
using DirectLB.Providers.Simulated;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests;

/// <summary>
/// PostgreSQL goes away under a running replica: it reports not ready, calls the provider for nothing it could
/// not journal first, and converges when the database is back.
/// </summary>
[Trait("Category", "Failover")]
public sealed class JournalOutageTests(ITestOutputHelper output) : ReplicaTest(output, ServiceCount)
{
    private const int ServiceCount = 20;

    [Fact]
    public async Task Without_its_journal_a_replica_is_not_ready_changes_nothing_and_catches_up_afterwards()
    {
        try
        {
            var port = FreePort.Next();
            var replica = StartReplica("replica", port, [port]);
            await Eventually.Until(replica.IsReadyAsync, "the replica is ready", TimeSpan.FromSeconds(60));
            Fleet.CreateAll();
            await AllServicesConvergedAsync(TimeSpan.FromSeconds(60), "every Service has its load balancer");

            await Postgres.StopAsync();
            await Eventually.Until(async () => !await replica.IsReadyAsync(), "the replica reports not ready", TimeSpan.FromSeconds(20));
            var changesBefore = Provider.CallCount(ProviderCallKind.ChangeTargets);
            foreach (var name in Fleet.Names)
            {
                Fleet.Roll(name);
            }

            await Eventually.Until(
                () => replica.ReadLog() is var log && Fleet.Names.All(n => log.Contains($"{ServiceFleet.KeyOf(n)}: journal write failed", StringComparison.Ordinal)),
                "every entity found the journal gone",
                TimeSpan.FromSeconds(30));
            Assert.Equal(changesBefore, Provider.CallCount(ProviderCallKind.ChangeTargets));

            await Postgres.StartAgainAsync();
            var back = System.Diagnostics.Stopwatch.StartNew();
            await Eventually.Until(replica.IsReadyAsync, "the replica is ready again", TimeSpan.FromSeconds(30));
            await AllServicesConvergedAsync(TimeSpan.FromSeconds(90), "every Service caught up with its rollout");
            Output.WriteLine($"after PostgreSQL was back: every Service caught up in {back.Elapsed.TotalSeconds:F1} s");
            var audit = await SettledJournalAsync();
            Assert.True(audit.Problems.Count == 0, string.Join("\n", audit.Problems));
        }
        catch (Exception) when (DumpLogs())
        {
            throw;
        }
    }
}
