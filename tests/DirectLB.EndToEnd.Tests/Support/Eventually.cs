namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>Waits for a condition with a deadline: the only way these tests wait.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static Task Until(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        Until(() => Task.FromResult(condition()), what, deadline);

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Runs an assertion until it passes or the deadline ends, then lets its last failure through.</summary>
    public static async Task Assert(Action assertion, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }
        }
    }
}
