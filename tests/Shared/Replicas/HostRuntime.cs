using System.Diagnostics;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// The .NET runtime settings DirectLB's image runs the host with (the Dockerfile's <c>ENV</c>). Every replica process
/// started through <see cref="Replica"/> runs with them, and so does the bench's own process, which hosts DirectLB in
/// its in-process runs: what is measured is what is deployed. tests/DirectLB.Image.Tests checks the Dockerfile against this list.
/// </summary>
public static class HostRuntime
{
    /// <summary>
    /// <c>DOTNET_TC_CallCountingDelayMs=0</c>: a method called 30 times is recompiled optimized at once. By default the
    /// runtime first waits for 100 ms in which no new method was compiled, and a replica meeting new code paths (the
    /// first burst of changes, a failover's recoveries) compiles new methods all the time, so it ran its hottest code
    /// unoptimized for as long as the burst lasted (docs/benchmarks.md, "Findings", "Optimized code at once").
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };

    /// <summary>Whether this process was started with the settings (they are read once, when the runtime starts).</summary>
    public static bool AppliesToThisProcess =>
        Environment.All(setting => System.Environment.GetEnvironmentVariable(setting.Key) == setting.Value);

    public static void ApplyTo(ProcessStartInfo info)
    {
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }
    }
}
