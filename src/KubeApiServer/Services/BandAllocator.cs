namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// Which of <c>size</c> values (offsets into a range) are taken, and which to give next, as the real server's bitmap
/// allocators choose: at random in the upper band first, leaving the lower band for values that users ask for by
/// number, and the lower band only once the upper one is full (KEP-3070 for cluster IPs, KEP-3668 for node ports).
/// </summary>
internal sealed class BandAllocator(int size, int lowerBand)
{
    private readonly HashSet<int> _taken = [];

    public int Size => size;

    public bool IsTaken(int offset) => _taken.Contains(offset);

    public void Take(int offset) => _taken.Add(offset);

    public void Release(int offset) => _taken.Remove(offset);

    /// <summary>A free offset not in <paramref name="alsoTaken"/> (values this write already chose), or null when the range is full.</summary>
    public int? Next(IReadOnlySet<int> alsoTaken)
    {
        bool Free(int offset) => !_taken.Contains(offset) && !alsoTaken.Contains(offset);
        var band = Math.Min(lowerBand, size);
        return Scan(band, size, Free) ?? Scan(0, band, Free);
    }

    // From a random point of [from, to) to its end, then from its start.
    private static int? Scan(int from, int to, Func<int, bool> free)
    {
        if (from >= to)
        {
            return null;
        }
        var start = Random.Shared.Next(from, to);
        for (var i = 0; i < to - from; i++)
        {
            var offset = from + ((start - from + i) % (to - from));
            if (free(offset))
            {
                return offset;
            }
        }
        return null;
    }

    /// <summary>The lower band of a range of <paramref name="size"/>: size / step, at least 16, at most <paramref name="max"/>.</summary>
    public static int LowerBand(int size, int step, int max) => Math.Clamp(size / step, 16, max);
}
