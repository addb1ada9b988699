global using Xunit;

// The image is Linux: so are the tests of what goes into it (file modes, users).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
