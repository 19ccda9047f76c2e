using MetricsPipeline.Warehouse.Dictionary;
using Microsoft.Extensions.DependencyInjection;

namespace MetricsPipeline.Worker.Cli;

/// <summary>docs --out DIR: the data dictionary of the connected warehouse, from its catalog, as DIR/dictionary.md.</summary>
internal static class DocsCommand
{
    public static Task<int> RunAsync(FileInfo? config, DirectoryInfo output, CancellationToken cancellationToken)
    {
        // Checked before the warehouse is asked anything: a wrong --out is a usage error.
        if (!output.Exists)
        {
            Console.Error.WriteLine(File.Exists(output.FullName)
                ? $"--out: '{output.FullName}' is a file; give the folder to write {DictionaryMarkdown.FileName} into."
                : $"--out: the folder '{output.FullName}' does not exist; create it or write the dictionary elsewhere.");
            return Task.FromResult(VerbHost.InvalidConfiguration);
        }
        return VerbHost.RunAsync(config, validatePipeline: false, async services =>
        {
            var dictionary = await services.GetRequiredService<DictionaryCatalog>().ReadAsync(cancellationToken);
            var markdown = DictionaryMarkdown.Render(dictionary);
            var path = Path.Combine(output.FullName, DictionaryMarkdown.FileName);
            try
            {
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--out: could not write '{path}': {ex.Message} Choose a folder this account may write.");
                return VerbHost.Failed;
            }
            var missing = dictionary.Objects.Sum(o => (o.Comment is null ? 1 : 0) + (o.Kind == ObjectKind.Function ? 0 : o.Columns.Count(c => c.Comment is null)));
            Console.WriteLine($"Wrote {path}: {dictionary.Objects.Count} objects readable by {string.Join(" and ", DictionaryReaders.Roles)}, " +
                $"{dictionary.Lineage.Count} lineage edges, schema {dictionary.SchemaVersion ?? "not migrated"}" +
                (missing == 0 ? "." : $"; {missing} object(s) or column(s) have no comment (shown as 'no comment')."));
            return VerbHost.Success;
        }, cancellationToken: cancellationToken);
    }
}
