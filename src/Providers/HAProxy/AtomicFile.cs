namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Replaces a file by writing a sibling temp file, flushing it to disk, and renaming it over the target.
/// A crash leaves either the old or the new content, never half of one: HAProxy and the next DirectLB both
/// read these files.
/// </summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = TempPathFor(path);
        await WriteTempAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A temp path beside <paramref name="path"/>, on the same file system so the rename is atomic.</summary>
    public static string TempPathFor(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    public static async Task WriteTempAsync(string temp, string content, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
            await writer.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
    }
}
