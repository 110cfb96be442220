"""The page's inline stylesheet and script (no external file, no network).

Both are constants so the Content-Security-Policy can name them by hash: a
browser then runs this script and applies this stylesheet and nothing else,
so even text that escaped escaping could not run or restyle anything.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root{--peer:#d9480f;--peer-bg:#ffe3d3;--same:#1864ab;--same-bg:#d7e8fb;--common:#868e96;--common-bg:#eceff1;
--err:#c92a2a;--warn:#e67700;--info:#1971c2;--line:#dee2e6;--muted:#666}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC",sans-serif;margin:0;color:#212529;
line-height:1.55;font-size:14px;background:#fff}
header.top{background:#1f2d3d;color:#fff;padding:14px 24px}
header.top h1{margin:0;font-size:20px}
header.top p{margin:2px 0 0;color:#ced4da;font-size:12px}
nav.top{padding:6px 24px;border-bottom:1px solid var(--line);font-size:13px}
nav.top a{margin-right:16px}
main{padding:0 24px 40px;max-width:1400px}
h2{font-size:18px;border-bottom:2px solid #1f2d3d;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:20px 0 6px}
a{color:#1864ab}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.count{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.count b{display:block;font-size:22px}
.count span{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}
figcaption{font-weight:bold;margin-bottom:4px}
figure p.note{color:var(--muted);font-size:12px;margin:4px 0 0}
svg{max-width:100%;height:auto;font-family:inherit}
svg text{font-size:11px;fill:#333}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f1f3f5}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.list{width:100%;font-size:13px}
table.list th{cursor:pointer;white-space:nowrap}
table.list td:nth-child(2){min-width:8em}
table.list td:nth-child(1){word-break:break-all}
table.list th[aria-sort=ascending]::after{content:" \\25B2"}
table.list th[aria-sort=descending]::after{content:" \\25BC"}
.filters{margin:8px 0;display:flex;gap:12px;align-items:center}
.filters input[type=search]{padding:4px 8px;min-width:280px}
.sev-error{color:var(--err);font-weight:bold}
td.sev-error,td.sev-warning,td.sev-info{white-space:nowrap}
.sev-warning{color:var(--warn)}
.sev-info{color:var(--info)}
section.report{border-top:3px solid #1f2d3d;margin-top:36px;padding-top:4px;content-visibility:auto;contain-intrinsic-size:auto 2400px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
.ctx{white-space:pre-wrap;word-break:break-all;font-size:13px;background:#f8f9fa;padding:4px 6px;border-radius:4px;unicode-bidi:isolate}
mark{padding:0 1px}
mark.hit{background:#ffec99}
mark.k-peer{background:var(--peer-bg);border-bottom:2px solid var(--peer)}
mark.k-same_unit{background:var(--same-bg);border-bottom:2px solid var(--same)}
mark.k-common{background:var(--common-bg);border-bottom:1px dotted var(--common)}
.diff{background:#ffc9c9;color:#a61e1e;font-weight:bold;text-decoration:underline wavy #c92a2a}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:6px 0 14px;page-break-inside:avoid}
.pane{border:1px solid var(--line);border-radius:4px;padding:6px 8px;min-width:0}
div.common{border:1px dashed var(--line);border-radius:4px;padding:4px 8px;margin:6px 0 10px}
div.common p{margin:2px 0 0;font-size:12px}
.pane h4{margin:0 0 4px;font-size:12px;color:var(--muted);font-weight:normal}
.pane .ctx{background:none;padding:0}
.passage-head{font-size:13px;margin-top:12px}
.kind-peer{color:var(--peer);font-weight:bold}
.kind-same_unit{color:var(--same);font-weight:bold}
.kind-common{color:var(--common);font-weight:bold}
table.grid td{text-align:right;min-width:38px;font-variant-numeric:tabular-nums}
table.grid td.lbl,table.grid th{text-align:left;font-size:12px}
table.grid td.fail{background:#ffc9c9;outline:2px solid var(--err);font-weight:bold;color:var(--err)}
table.grid td.blank{background:#fff3bf}
table.grid td.unread{background:#e9ecef;color:var(--muted)}
ul.identities li{margin:2px 0}
.muted{color:var(--muted)}
.dismissed{color:var(--muted);font-size:12px;font-style:italic}
.legend span{margin-right:14px}
details summary{cursor:pointer}
.wrap{overflow-x:auto}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{font-size:10.5pt}
 header.top{background:none;color:#000;padding:0 0 6px;border-bottom:2px solid #000}
 header.top p{color:#333}
 nav.top,.filters,a.back{display:none}
 main{padding:0;max-width:none}
 section.report{page-break-before:always;border-top:none;content-visibility:visible}
 .charts{display:block}
 figure{page-break-inside:avoid;margin-bottom:10px}
 table{page-break-inside:auto}
 tr,.pair{page-break-inside:avoid}
 a{color:inherit;text-decoration:none}
 .wrap{overflow:visible}
 table.list{font-size:8pt}
 table.list th{cursor:auto;white-space:normal}
 table.list td:nth-child(2){min-width:7em}
 details>*{display:block}
}
"""

# Sorting and filtering of the report list; the page is complete without it.
JS = """
(function(){
var table=document.getElementById('report-list');if(!table)return;
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var heads=table.tHead.rows[0].cells;
function key(row,i){var c=row.cells[i];var v=c.getAttribute('data-v');if(v===null)v=c.textContent;return v;}
Array.prototype.forEach.call(heads,function(th,i){
 th.tabIndex=0;
 function sort(){var num=th.classList.contains('num');var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
  Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',dir===1?'ascending':'descending');
  rows.sort(function(a,b){var x=key(a,i),y=key(b,i);
   if(num){x=x===''?-Infinity:parseFloat(x);y=y===''?-Infinity:parseFloat(y);return dir*((x>y)-(x<y));}
   return dir*x.localeCompare(y,'zh');});
  rows.forEach(function(r){body.appendChild(r);});}
 th.addEventListener('click',sort);
 th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
});
var box=document.getElementById('filters');if(!box)return;
var input=document.createElement('input');input.type='search';input.placeholder=box.getAttribute('data-placeholder');
var label=document.createElement('label');var check=document.createElement('input');check.type='checkbox';
label.appendChild(check);label.appendChild(document.createTextNode(' '+box.getAttribute('data-errors')));
var shown=document.createElement('span');shown.className='muted';
box.appendChild(input);box.appendChild(label);box.appendChild(shown);
function apply(){var q=input.value.trim().toLowerCase(),n=0;
 rows.forEach(function(r){var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&(!check.checked||r.getAttribute('data-errors')!=='0');
  r.hidden=!ok;if(ok)n++;});
 shown.textContent=n+' / '+rows.length;}
input.addEventListener('input',apply);check.addEventListener('change',apply);apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: bool = True) -> str:
    """Nothing may load; only this stylesheet and this script apply."""
    scripts = _hash(JS) if script else "'none'"
    return (
        f"default-src 'none'; style-src {_hash(CSS)}; script-src {scripts}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
