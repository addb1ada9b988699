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
        var (_, errors) = ServiceAnnotations.Parse(new Dictionary<string, string> { ["directlb.io/scheme"] = "internal" }, Options);

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

    [Fact]
    public void Health_checks_are_tcp_by_default_http_with_a_path_and_can_be_turned_off()
    {
        Assert.Equal(new DirectLB.Providers.Model.HealthCheckSpec(), Parse().Settings.HealthCheck);

        var http = Parse((ServiceAnnotations.HealthCheckPath, "/ready"), (ServiceAnnotations.HealthCheckPort, "9000"),
            (ServiceAnnotations.HealthCheckInterval, "5s"), (ServiceAnnotations.HealthyThreshold, "3"), (ServiceAnnotations.UnhealthyThreshold, "4"));
        Assert.Empty(http.Errors);
        Assert.Equal(new DirectLB.Providers.Model.HealthCheckSpec("/ready", 9000, 5000, 3, 4), http.Settings.HealthCheck);

        Assert.Equal("/", Parse((ServiceAnnotations.HealthCheck, "http")).Settings.HealthCheck!.HttpPath);
        Assert.Null(Parse((ServiceAnnotations.HealthCheck, "none")).Settings.HealthCheck);
        Assert.NotEmpty(Parse((ServiceAnnotations.HealthCheck, "none"), (ServiceAnnotations.HealthCheckPath, "/x")).Errors);
    }

    [Theory]
    [InlineData(ServiceAnnotations.HealthCheckPath, "ready")]
    [InlineData(ServiceAnnotations.HealthCheckPort, "70000")]
    [InlineData(ServiceAnnotations.HealthCheckInterval, "10ms")]
    [InlineData(ServiceAnnotations.HealthyThreshold, "0")]
    [InlineData(ServiceAnnotations.ProxyProtocol, "v1")]
    [InlineData(ServiceAnnotations.Weighting, "zone")]
    public void Bad_values_are_errors_naming_the_annotation(string key, string value)
    {
        Assert.Contains(Parse((key, value)).Errors, e => e.StartsWith($"annotation {key}:"));
    }

    [Fact]
    public void Proxy_protocol_v2_and_node_weighting_are_read()
    {
        var settings = Parse((ServiceAnnotations.ProxyProtocol, "v2"), (ServiceAnnotations.Weighting, "node")).Settings;

        Assert.True(settings.ProxyProtocolV2);
        Assert.True(settings.PerNode);
    }

    private static (LoadBalancerSettings Settings, System.Collections.Immutable.ImmutableArray<string> Errors) Parse(params (string Key, string Value)[] annotations) =>
        ServiceAnnotations.Parse(annotations.ToDictionary(a => a.Key, a => a.Value), Options);
}
