namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>Waits for a condition with a deadline: the only way these tests wait.</summary>
public static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Repeats <paramref name="assertion"/> until it passes; past the deadline its last failure is thrown.</summary>
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }
        }
    }
}
