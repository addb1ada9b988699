namespace DirectLB.Bench;

/// <summary>This process's memory as Linux and the GC see it.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM), in bytes.</summary>
    public static long PeakRss() => StatusField("self", "VmHWM:") ?? Environment.WorkingSet;

    public static long Rss() => StatusField("self", "VmRSS:") ?? Environment.WorkingSet;

    /// <summary>Another process's peak resident set size (VmHWM), in bytes; null once it has exited, or not on Linux.</summary>
    public static long? PeakRss(int processId) => StatusField(processId.ToString(System.Globalization.CultureInfo.InvariantCulture), "VmHWM:");

    /// <summary>Resets the peak RSS to the current RSS (Linux clear_refs "5"), so each run reports its own peak.</summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process lifetime, which the report says.
        }
    }

    /// <summary>Live managed heap after a full, compacting, blocking collection.</summary>
    public static long HeapAfterFullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static long? StatusField(string process, string name)
    {
        var status = $"/proc/{process}/status";
        string? line;
        try
        {
            line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var kb = line?[name.Length..].Trim().Split(' ')[0];
        return kb is null ? null : long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
