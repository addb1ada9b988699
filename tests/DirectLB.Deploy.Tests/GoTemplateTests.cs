using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class GoTemplateTests
{
    private static readonly object Root = PlainYaml.Load("""
        Values:
          name: web
          on: true
          off: false
          empty: []
          clusters:
            - id: east
            - id: west
        Release:
          Namespace: lb
        """);

    [Theory]
    [InlineData("name: {{ .Values.name }}", "name: web")]
    [InlineData("{{ range .Values.clusters }}{{ .id }}@{{ $.Release.Namespace }} {{ end }}", "east@lb west@lb ")]
    [InlineData("a\n  {{- .Values.name }}", "aweb")]
    [InlineData("{{ .Values.name -}}  \n b", "webb")]
    [InlineData("{{ if .Values.on }}yes{{ end }}{{ if .Values.off }}no{{ end }}{{ if .Values.empty }}no{{ end }}", "yes")]
    [InlineData("{{ .Values.on | quote }}", "\"true\"")]
    [InlineData("{{ .Values.name | b64enc }}", "d2Vi")]
    [InlineData("{{ .Values.name | b64enc | quote }}", "\"d2Vi\"")]
    public void Renders_the_subset_as_helm_does(string template, string expected) =>
        Assert.Equal(expected, GoTemplate.Render(template, Root));

    [Theory]
    [InlineData("{{ include \"x\" . }}")]
    [InlineData("{{ .Values.name | default \"x\" }}")]
    [InlineData("{{ if .Values.on }}a{{ else }}b{{ end }}")]
    [InlineData("{{ toYaml .Values.clusters }}")]
    [InlineData("{{ .Values.clusters }}")]
    public void Refuses_what_is_outside_the_subset(string template) =>
        Assert.Throws<NotSupportedException>(() => GoTemplate.Render(template, Root));

    [Fact]
    public void A_missing_key_fails_instead_of_printing_nothing() =>
        Assert.Throws<KeyNotFoundException>(() => GoTemplate.Render("{{ .Values.nmae }}", Root));

    [Fact]
    public void An_if_without_end_fails() =>
        Assert.Throws<FormatException>(() => GoTemplate.Render("{{ if .Values.on }}a", Root));
}
