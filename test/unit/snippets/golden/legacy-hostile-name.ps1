# it's "quoted" \ back\slash new line ${x} $HOME `whoami` $(id) 'single' ‘curly’ %20 & done: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).
$BaseUrl = 'https://data.okc.gov/services/portal/api/data/records'
$Dataset = 'Hostile Test Data'
$Url = $BaseUrl + '/' + [uri]::EscapeDataString($Dataset)
$Headers = @{}
$Token = [Environment]::GetEnvironmentVariable('OKC_PORTAL_TOKEN')
if ($Token) { $Headers['X-Api-Key'] = $Token }
$Body = [ordered]@{
    'orderByField' = 'Title'
    'ascending' = $false
}

$Data = Invoke-RestMethod -Uri $Url -Method Post -Headers $Headers -ContentType 'application/json' -Body ($Body | ConvertTo-Json -Depth 10)
# Records are arrays aligned with Fields; every value arrives as a string.
$Names = @($Data.Fields | ForEach-Object { $_.FieldName })
$Rows = @(foreach ($Record in $Data.Records) {
    $Row = [ordered]@{}
    for ($i = 0; $i -lt $Names.Count; $i++) { $Row[$Names[$i]] = $Record[$i] }
    [pscustomobject]$Row
})
# The Records API has no paging or field list: apply them here.
$Rows = @($Rows | Select-Object -First 5)
