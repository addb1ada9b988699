using DirectLB.Actors.Planning;

namespace DirectLB.Tests.Planning;

public class ServiceAnnotationsTests
{
    private static readonly PlannerOptions Options = new();

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0s", 0)]
    [InlineData("1.5s", 1_500)]
    public void Drain_delay_reads_go_style_durations(string value, int expectedMs)
    {
        var (settings, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = value }, Options);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), settings.DrainDelay);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("30")]
    [InlineData("-5s")]
    [InlineData("2h")]
    [InlineData("")]
    public void A_drain_delay_that_does_not_parse_or_is_too_long_is_an_error(string value)
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.DrainDelay] = value }, Options);

        Assert.Contains(errors, e => e.StartsWith("annotation directlb.io/drain-delay"));
    }

    [Fact]
    public void No_annotations_means_the_defaults()
    {
        var (settings, errors) = ServiceAnnotations.Parse(new Dictionary<string, string>(), Options);

        Assert.Empty(errors);
        Assert.Null(settings.Name);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.DrainDelay);
        Assert.Empty(settings.ClusterShares);
    }

    [Fact]
    public void A_misspelled_annotation_is_an_error_naming_the_known_ones()
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { ["directlb.io/drain-dealy"] = "5s" }, Options);

        Assert.Contains(errors, e => e.Contains("directlb.io/drain-dealy is unknown") && e.Contains("directlb.io/drain-delay"));
    }

    [Fact]
    public void A_planned_but_missing_feature_says_so()
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { ["directlb.io/proxy-protocol"] = "v2" }, Options);

        Assert.Contains(errors, e => e.Contains("not supported by this version"));
    }

    [Theory]
    [InlineData("my-lb", true)]
    [InlineData("My_LB", false)]
    [InlineData("-lb", false)]
    public void The_name_annotation_is_validated(string value, bool valid)
    {
        var (settings, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.Name] = value }, Options);

        Assert.Equal(valid, errors.IsEmpty);
        Assert.Equal(valid ? value : null, settings.Name);
    }

    [Fact]
    public void Other_prefixes_are_not_ours_to_judge()
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { ["example.com/whatever"] = "x" }, Options);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("global", true)]
    [InlineData("cluster", true)]
    [InlineData("region", false)]
    public void The_scope_annotation_is_validated(string value, bool valid)
    {
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.Scope] = value }, Options);

        Assert.Equal(valid, errors.IsEmpty);
    }

    [Theory]
    [InlineData("east=70,west=30", true)]
    [InlineData("east=100", true)]
    [InlineData(" east = 50 , west = 50 ", true)]
    [InlineData("east=70,west=20", false)]
    [InlineData("east=70,east=30", false)]
    [InlineData("east=-10,west=110", false)]
    [InlineData("east", false)]
    [InlineData("", false)]
    public void Cluster_weights_are_percentages_adding_up_to_100(string value, bool valid)
    {
        var (settings, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { [ServiceAnnotations.ClusterWeights] = value }, Options);

        Assert.Equal(valid, errors.IsEmpty);
        Assert.Equal(valid, !settings.ClusterShares.IsEmpty);
    }
}
