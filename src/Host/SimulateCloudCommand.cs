using DirectLB.Host.Hosting;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Host;

/// <summary>
/// <c>directlb simulate-cloud --listen 127.0.0.1:PORT</c>: serves DirectLB's load balancer REST contract from the
/// simulated cloud model (latency, rate limit, target limit), so several replicas with <c>--provider http</c> share
/// one simulated cloud. Runs until Ctrl-C.
/// </summary>
public static class SimulateCloudCommand
{
    public const string Name = "simulate-cloud";

    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--listen"] = "Listen",
        ["--latency"] = "Simulated:Latency",
        ["--rate-limit"] = "Simulated:RateLimitPerSecond",
        ["--burst"] = "Simulated:RateLimitBurst",
        ["--max-targets"] = "Simulated:MaxTargetsPerLoadBalancer",
        ["--address-pool"] = "Simulated:AddressPool",
        ["--healthy-after"] = "Simulated:HealthyAfter",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, Switches).Build();
        var simulated = configuration.GetSection("Simulated").Get<SimulatedProviderOptions>() ?? new SimulatedProviderOptions();
        var listen = configuration["Listen"] ?? "127.0.0.1:8090";
        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions
        {
            Listen = listen,
            Provider = new SimulatedProvider(simulated),
        });
        Console.WriteLine($"simulated cloud serving the DirectLB load balancer API at {server.BaseAddress} (Ctrl-C stops it)");
        Console.WriteLine($"  replicas use: --provider http --provider-url {server.BaseAddress}");

        await StopSignals.WaitAsync();
        return 0;
    }
}
