using CsCheck;
using DirectLB.Actors.Planning;
using DirectLB.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Tests.Planning;

/// <summary>The annotation parser over generated hostile values: it never throws, and what it accepts is safe to apply.</summary>
public class ServiceAnnotationsProperties(ITestOutputHelper output)
{
    [Fact]
    public void Parsing_any_annotations_never_throws_and_accepts_only_settings_a_provider_can_apply()
    {
        Gen.Select(HostileGen.Annotations, HostileGen.Options).Sample(
            (annotations, options) =>
            {
                var (settings, errors) = ServiceAnnotations.Parse(annotations, options);

                Assert.All(errors, e => Assert.True(HostileOracle.IsFitForAnEvent(e), e));
                foreach (var key in annotations.Keys.Where(k => k.StartsWith(ServiceAnnotations.Prefix, StringComparison.Ordinal)))
                {
                    var accepted = !errors.Any(e => e.Contains(key, StringComparison.Ordinal));
                    if (accepted && key == ServiceAnnotations.DrainDelay)
                    {
                        Assert.InRange(settings.DrainDelay, TimeSpan.Zero, options.MaxDrainDelay);
                    }
                }

                Assert.True(settings.Name is null || HostileOracle.IsProviderSafeName(settings.Name), $"name '{settings.Name}'");
                Assert.True(settings.ClusterShares.IsEmpty || settings.ClusterShares.Values.Sum() == 100);
                Assert.All(settings.ClusterShares.Values, share => Assert.InRange(share, 0, 100));
                Assert.Null(settings.HealthCheck?.Validate());
                Assert.True(settings.HealthCheck?.HttpPath is null || HostileOracle.IsSafeHttpPath(settings.HealthCheck.HttpPath), $"path '{settings.HealthCheck?.HttpPath}'");
            },
            writeLine: output.WriteLine,
            iter: 20_000);
    }

    [Fact]
    public void Any_text_parses_as_a_duration_or_not_without_throwing_and_never_negative()
    {
        Gen.OneOf(HostileGen.Duration, HostileGen.Text, HostileGen.Number).Sample(
            text =>
            {
                if (ServiceAnnotations.TryParseDuration(text, out var duration))
                {
                    Assert.True(duration >= TimeSpan.Zero, $"{text} -> {duration}");
                }
            },
            writeLine: output.WriteLine,
            iter: 50_000);
    }

    [Theory]
    [InlineData("99999999999h")]
    [InlineData("9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999s")]
    [InlineData("5000000h5000000h")]
    [InlineData("٣٠s")]
    [InlineData("３０s")]
    public void A_drain_delay_that_overflows_or_uses_other_digits_is_an_error_not_a_crash(string value)
    {
        var (settings, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = value }, new PlannerOptions());

        Assert.Contains(errors, e => e.StartsWith($"annotation {ServiceAnnotations.DrainDelay}", StringComparison.Ordinal));
        Assert.Equal(new PlannerOptions().DefaultDrainDelay, settings.DrainDelay);
    }

    [Theory]
    [InlineData("/ok#fragment")]
    [InlineData("/\"quoted\"")]
    [InlineData("/back\\slash")]
    [InlineData("/é")]
    [InlineData("/a b")]
    public void A_health_check_path_that_the_load_balancer_configuration_cannot_carry_is_an_error(string value)
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.HealthCheckPath] = value }, new PlannerOptions());

        Assert.Contains(errors, e => e.StartsWith($"annotation {ServiceAnnotations.HealthCheckPath}", StringComparison.Ordinal));
    }
}
