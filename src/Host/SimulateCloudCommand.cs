using DirectLB.Host.Hosting;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Host;

/// <summary>
/// <c>directlb simulate-cloud --listen 127.0.0.1:PORT</c>: serves DirectLB's load balancer REST contract from the
/// simulated cloud model (latency, rate limit, target limit, random faults), so several replicas with <c>--provider http</c> share
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
        ["--address-pool6"] = "Simulated:AddressPool6",
        ["--healthy-after"] = "Simulated:HealthyAfter",
        ["--fail-rate"] = "Simulated:Chaos:FailureRate",
        ["--throttle-rate"] = "Simulated:Chaos:ThrottleRate",
        ["--throttle-retry-after"] = "Simulated:Chaos:ThrottleRetryAfter",
        ["--slow-rate"] = "Simulated:Chaos:SlowRate",
        ["--slow-latency"] = "Simulated:Chaos:SlowLatency",
        ["--chaos-seed"] = "Simulated:Chaos:Seed",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args, Switches).Build();
        var simulated = configuration.GetSection("Simulated").Get<SimulatedProviderOptions>() ?? new SimulatedProviderOptions();
        var listen = configuration["Listen"] ?? "127.0.0.1:8090";
        SimulatedProvider provider;
        try
        {
            provider = new SimulatedProvider(simulated);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"directlb {Name}: {ex.Message}");
            return 2;
        }

        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Listen = listen, Provider = provider });
        if (simulated.Chaos is { InjectsAnything: true } chaos)
        {
            Console.WriteLine(
                $"  random faults: {chaos.FailureRate:P1} of calls fail, {chaos.ThrottleRate:P1} throttled (Retry-After {chaos.ThrottleRetryAfter.TotalSeconds:F0} s), " +
                $"{chaos.SlowRate:P1} slowed by {chaos.SlowLatency.TotalSeconds:F1} s (seed {chaos.Seed})");
        }

        Console.WriteLine($"simulated cloud serving the DirectLB load balancer API at {server.BaseAddress} (Ctrl-C stops it)");
        Console.WriteLine($"  replicas use: --provider http --provider-url {server.BaseAddress}");

        await StopSignals.WaitAsync();
        return 0;
    }
}
