using DirectLB.Actors.Replicas;

namespace DirectLB.Tests.Replicas;

public class ConfigurationRolesTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["load-balancer-class"] = "directlb.io/direct claim-unclassed=False",
        ["journal"] = "postgresql db:5432/directlb",
        ["provider"] = "http http://lb-api:8090/",
    };

    [Fact]
    public void Replicas_with_the_same_settings_differ_in_nothing()
    {
        Assert.Empty(ConfigurationRoles.Differences(["directlb", .. ConfigurationRoles.For(Settings)], ConfigurationRoles.For(new Dictionary<string, string>(Settings))));
    }

    [Fact]
    public void The_settings_that_differ_are_named_and_their_values_are_not_carried()
    {
        var other = new Dictionary<string, string>(Settings) { ["load-balancer-class"] = "example.com/other", ["journal"] = "postgresql other:5432/directlb" };

        var roles = ConfigurationRoles.For(other).ToList();

        Assert.Equal(["journal", "load-balancer-class"], ConfigurationRoles.Differences(ConfigurationRoles.For(Settings), roles));
        Assert.DoesNotContain(roles, r => r.Contains("other", StringComparison.Ordinal));
    }

    [Fact]
    public void A_setting_only_one_side_has_is_a_difference()
    {
        var fewer = Settings.Where(s => s.Key != "provider").ToDictionary();

        Assert.Equal(["provider"], ConfigurationRoles.Differences(ConfigurationRoles.For(Settings), ConfigurationRoles.For(fewer)));
    }
}
