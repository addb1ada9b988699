using System.Net.Http.Json;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Failover.Tests.Support;
using DirectLB.Tests.Shared.Replicas;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests;

/// <summary>
/// One status view of three real replicas, in a real headless Chromium: the page of any replica lists every Service
/// of the Akka cluster with the replica that owns it; after a SIGKILL the dead replica's Services come back under a
/// survivor and none stays with the dead owner. Screenshots are saved for the record.
/// </summary>
[Trait("Category", "Failover")]
[Trait("Category", "Browser")]
public sealed class StatusViewTests(ITestOutputHelper output) : ReplicaTest(output, ServiceCount)
{
    private const int ServiceCount = 24;
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Every_replica_shows_every_service_with_its_owner_and_a_killed_replicas_services_move_to_a_survivor()
    {
        try
        {
            await StartClusterAsync(3);
            Fleet.CreateAll();
            await AllServicesConvergedAsync(TimeSpan.FromSeconds(90), "every Service has its load balancer");
            var owners = await OwnersOfEveryServiceAsync(Replicas);
            Assert.True(owners.Values.Distinct().Count() >= 2, $"the Services should spread over the replicas: {string.Join(", ", owners.Values.Distinct())}");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            foreach (var replica in Replicas)
            {
                await Eventually.Assert(() => Assert.Equal(owners, RowsOnPageAsync(page, replica).GetAwaiter().GetResult()), TimeSpan.FromSeconds(30));
            }

            // Each row carries what its owner knows: targets with health, Events, the reconcile chart.
            var row = page.Locator("#services tr[data-service=\"shop/svc-000\"]");
            await Assertions.Expect(row).ToContainTextAsync("in sync");
            await Assertions.Expect(row).ToContainTextAsync("EnsuredLoadBalancer");
            await Assertions.Expect(row.Locator("svg.latency")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator(".missing")).ToHaveCountAsync(0);
            await ScreenshotAsync(page, "status-view-three-replicas.png");

            var api = await Http.GetFromJsonAsync<List<ApiService>>($"http://127.0.0.1:{Replicas[1].HttpPort}/api/services");
            Assert.Equal(owners, api!.ToDictionary(s => s.Key, s => s.Owner));

            // Kill a replica that is not the oldest and owns Services; its Services must reappear under a survivor.
            var victim = Replicas.Skip(1).MaxBy(r => owners.Values.Count(o => o == AddressOf(r)))!;
            var dead = AddressOf(victim);
            var moved = owners.Where(o => o.Value == dead).Select(o => o.Key).ToList();
            Assert.NotEmpty(moved);
            victim.Kill();
            var survivors = Replicas.Where(r => r != victim).ToList();
            var alive = survivors.Select(AddressOf).ToHashSet();
            foreach (var survivor in survivors)
            {
                await Eventually.Assert(
                    () =>
                    {
                        var rows = RowsOnPageAsync(page, survivor).GetAwaiter().GetResult();
                        Assert.Equal(owners.Keys.Order(), rows.Keys.Order());
                        Assert.All(rows, r => Assert.Contains(r.Value, alive));
                    },
                    TimeSpan.FromSeconds(90));
            }

            await Assertions.Expect(page.Locator(".missing")).ToHaveCountAsync(0);
            await ScreenshotAsync(page, "status-view-after-kill.png");
            var after = await OwnersOfEveryServiceAsync(survivors);
            Output.WriteLine($"killed {victim.Name} ({dead}); its {moved.Count} Services now on {string.Join(", ", moved.Select(k => after[k]).Distinct())}");
        }
        catch (Exception) when (DumpLogs())
        {
            throw;
        }
    }

    private static string AddressOf(Replica replica) => Replica.SeedAddress(replica.AkkaPort);

    /// <summary>
    /// Who owns each Service, from each replica's own entities (its local status API), once every Service of the fleet
    /// is on exactly one replica's board (an entity publishes once in sync, a little after its load balancer is).
    /// </summary>
    private async Task<Dictionary<string, string>> OwnersOfEveryServiceAsync(IReadOnlyList<Replica> replicas)
    {
        var owners = new Dictionary<string, string>();
        await Eventually.Assert(
            () =>
            {
                var owned = replicas.SelectMany(r => r.OwnedServicesAsync().GetAwaiter().GetResult().Select(s => (s.Key, Owner: AddressOf(r)))).ToList();
                Assert.Equal(Fleet.Names.Select(ServiceFleet.KeyOf).Order(), owned.Select(o => o.Key).Order());
                owners = owned.ToDictionary(o => o.Key, o => o.Owner);
            },
            TimeSpan.FromSeconds(60));
        return owners;
    }

    /// <summary>Loads the replica's status page and reads each Service row's key and owner.</summary>
    private static async Task<Dictionary<string, string>> RowsOnPageAsync(IPage page, Replica replica)
    {
        await page.GotoAsync($"http://127.0.0.1:{replica.HttpPort}/");
        var rows = await page.EvalOnSelectorAllAsync<string[][]>(
            "#services tr[data-service]", "rows => rows.map(r => [r.dataset.service, r.dataset.owner])");
        return rows.ToDictionary(r => r[0], r => r[1]);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        // No sandbox as root in CI; no background traffic, which this machine's closed network refuses.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0);
    }

    private sealed record ApiService(string Key, string Owner);
}
