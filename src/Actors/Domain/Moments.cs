namespace DirectLB.Actors.Domain;

/// <summary>Optional moments: the earlier of two, where none means "no such moment".</summary>
internal static class Moments
{
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
