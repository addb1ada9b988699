using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DirectLB.Bench;

/// <summary>The machine the figures were measured on: cores, memory, OS, .NET.</summary>
public sealed record MachineInfo(int Cores, string Memory, string Os, string Cpu, string Runtime, string Sdk, string Gc)
{
    public static MachineInfo Collect() => new(
        Environment.ProcessorCount,
        MemTotal(),
        RuntimeInformation.OSDescription,
        CpuModel(),
        RuntimeInformation.FrameworkDescription,
        SdkVersion(),
        System.Runtime.GCSettings.IsServerGC ? "server" : "workstation");

    private static string MemTotal() =>
        File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))["MemTotal:".Length..].Trim()
            : $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The SDK line of <c>dotnet --info</c>, the one fact of it the runtime itself does not know.</summary>
    private static string SdkVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
            var version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
