"""The plan as one self-contained HTML page: a layered layout computed here, drawn by inline SVG and a
little JavaScript, with no network access (it opens from `file://` on an offline machine)."""

from __future__ import annotations

import html
import json
from typing import Any

from .plan import STATUSES, Plan

__all__ = ["layout", "render_html"]

NODE_WIDTH, NODE_HEIGHT, LAYER_GAP, ROW_GAP = 190, 26, 60, 12


def layout(plan: Plan) -> tuple[list[int], list[float]]:
    """Each task's layer (longest path from an input, inputs on the left) and its row within the layer.

    Rows follow the mean row of a task's requirements (one barycentre sweep), so edges mostly run
    straight; the cost is linear in tasks plus edges, plus a sort per layer.
    """
    index = {task_id: position for position, task_id in enumerate(plan.tasks)}
    tasks = list(plan.tasks.values())
    layers = [0] * len(tasks)
    for position, task in enumerate(tasks):  # requirements come first in a plan
        deps = [index[dep] for dep in task.requires]
        layers[position] = 1 + max((layers[dep] for dep in deps), default=-1)
    by_layer: dict[int, list[int]] = {}
    for position, layer in enumerate(layers):
        by_layer.setdefault(layer, []).append(position)
    rows = [0.0] * len(tasks)
    for layer in sorted(by_layer):
        members = by_layer[layer]
        if layer:

            def barycentre(position: int) -> float:
                deps = tasks[position].requires
                return sum(rows[index[dep]] for dep in deps) / len(deps) if deps else 0.0

            members.sort(key=barycentre)
        for row, position in enumerate(members):
            rows[position] = float(row)
    return layers, rows


def _page_data(plan: Plan) -> dict[str, Any]:
    layers, rows = layout(plan)
    index = {task_id: position for position, task_id in enumerate(plan.tasks)}
    status_index = {status: number for number, status in enumerate(STATUSES)}
    nodes = []
    for position, task in enumerate(plan.tasks.values()):
        nodes.append(
            [
                task.family,
                status_index[task.status],
                layers[position] * (NODE_WIDTH + LAYER_GAP),
                int(rows[position]) * (NODE_HEIGHT + ROW_GAP),
                task.reason,
                task.params,
                list(task.outputs),
                task.task_id,
            ]
        )
    edges = [index[dep] for task in plan.tasks.values() for dep in task.requires]
    edge_counts = [len(task.requires) for task in plan.tasks.values()]
    return {"statuses": list(STATUSES), "nodes": nodes, "edges": edges, "edgeCounts": edge_counts}


def render_html(plan: Plan, title: str = "kartwheel plan") -> str:
    """The whole page as a string; `title` is shown in the tab and the header."""
    data = json.dumps(_page_data(plan), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        _PAGE.replace("{{title}}", html.escape(title))
        .replace("{{w}}", str(NODE_WIDTH))
        .replace("{{h}}", str(NODE_HEIGHT))
        .replace("{{data}}", data)
    )


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>
<style>
body{margin:0;font:13px system-ui,sans-serif;display:flex;height:100vh;overflow:hidden}
#view{flex:1;cursor:grab;background:#fafafa}
#side{width:340px;overflow:auto;border-left:1px solid #ccc;padding:8px 12px;box-sizing:border-box}
#side h1{font-size:15px;margin:4px 0}#side pre{white-space:pre-wrap;word-break:break-all;margin:2px 0}
.task rect{stroke:#555;stroke-width:1;rx:5}.task text{font-size:12px;pointer-events:none}
.task.sel rect{stroke:#000;stroke-width:3}.edge{fill:none;stroke:#999;stroke-width:1}
.s0 rect{fill:#c8e6c9}.s1 rect{fill:#bbdefb}.s2 rect{fill:#ffe0b2}.s3 rect{fill:#ffcdd2}.s4 rect{fill:#eee}
.legend span{display:inline-block;padding:1px 6px;margin:2px;border:1px solid #888;border-radius:4px}
</style></head><body>
<svg id="view" xmlns="http://www.w3.org/2000/svg"><g id="world"><g id="edges"></g><g id="nodes"></g></g></svg>
<div id="side"><h1>{{title}}</h1><div class="legend" id="legend"></div>
<input id="find" placeholder="find a task" style="width:100%;margin:6px 0">
<p>Drag to pan, wheel to zoom, click a task for its details.</p><div id="details"></div></div>
<script id="plan-data" type="application/json">{{data}}</script>
<script>
"use strict";
const D=JSON.parse(document.getElementById("plan-data").textContent),W={{w}},H={{h}},NS="http://www.w3.org/2000/svg";
const svg=document.getElementById("view"),world=document.getElementById("world"),groups=[];
const counts=D.statuses.map(()=>0);D.nodes.forEach(n=>counts[n[1]]++);
const colours=["#c8e6c9","#bbdefb","#ffe0b2","#ffcdd2","#eee"];
document.getElementById("legend").innerHTML=D.statuses.map((s,i)=>
  `<span style="background:${colours[i]}">${s}: ${counts[i]}</span>`).join("")+`<div>${D.nodes.length} tasks</div>`;
const ep=[];let k=0;
D.nodes.forEach((n,i)=>{for(let j=0;j<D.edgeCounts[i];j++,k++){const m=D.nodes[D.edges[k]];
  const x1=m[2]+W,y1=m[3]+H/2,x2=n[2],y2=n[3]+H/2,c=(x2-x1)/2;
  ep.push(`M${x1} ${y1}C${x1+c} ${y1} ${x2-c} ${y2} ${x2} ${y2}`)}});
document.getElementById("edges").innerHTML=ep.map(d=>`<path class="edge" d="${d}"/>`).join("");
const frag=document.createDocumentFragment();
D.nodes.forEach((n,i)=>{const g=document.createElementNS(NS,"g");g.setAttribute("class",`task s${n[1]}`);
  g.setAttribute("transform",`translate(${n[2]},${n[3]})`);g.dataset.index=i;g.dataset.taskId=n[7];
  const r=document.createElementNS(NS,"rect");r.setAttribute("width",W);r.setAttribute("height",H);
  const t=document.createElementNS(NS,"text");t.setAttribute("x",6);t.setAttribute("y",17);
  t.textContent=n[0].length>26?n[0].slice(0,25)+"\u2026":n[0];g.append(r,t);frag.append(g);groups.push(g)});
document.getElementById("nodes").append(frag);
let sel=null;const esc=s=>String(s).replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
function show(i){if(sel!==null)groups[sel].classList.remove("sel");
  sel=i;groups[i].classList.add("sel");const n=D.nodes[i];
  const p=Object.entries(n[5]).map(([a,b])=>`${esc(a)} = ${esc(b)}`).join("\\n")||"(none)";
  document.getElementById("details").innerHTML=`<h1 id="selected">${esc(n[0])}</h1><b>${esc(D.statuses[n[1]])}</b>`
   +(n[4]?`: <span id="reason">${esc(n[4])}</span>`:"")+`<h1>parameters</h1><pre>${p}</pre><h1>outputs</h1><pre>`
   +(n[6].map(esc).join("\\n")||"(none)")+`</pre><h1>task id</h1><pre>${esc(n[7])}</pre>`}
let vb={x:-20,y:-20,s:1};
function apply(){world.setAttribute("transform",`translate(${-vb.x*vb.s},${-vb.y*vb.s}) scale(${vb.s})`)}
function fit(){const r=svg.getBoundingClientRect();let mx=0,my=0;
  D.nodes.forEach(n=>{mx=Math.max(mx,n[2]+W);my=Math.max(my,n[3]+H)});
  vb.s=Math.max(0.02,Math.min(1.5,r.width/(mx+40),r.height/(my+40)));vb.x=-20;vb.y=-20;apply()}
svg.addEventListener("click",e=>{const g=e.target.closest(".task");if(g)show(+g.dataset.index)});
svg.addEventListener("wheel",e=>{e.preventDefault();const r=svg.getBoundingClientRect(),f=e.deltaY<0?1.2:1/1.2;
  const px=vb.x+(e.clientX-r.left)/vb.s,py=vb.y+(e.clientY-r.top)/vb.s;vb.s*=f;vb.x=px-(e.clientX-r.left)/vb.s;
  vb.y=py-(e.clientY-r.top)/vb.s;apply()},{passive:false});
let drag=null;svg.addEventListener("mousedown",e=>{drag={x:e.clientX,y:e.clientY,vx:vb.x,vy:vb.y}});
window.addEventListener("mousemove",e=>{if(drag){vb.x=drag.vx-(e.clientX-drag.x)/vb.s;vb.y=drag.vy-(e.clientY-drag.y)/vb.s;apply()}});
window.addEventListener("mouseup",()=>{drag=null});
document.getElementById("find").addEventListener("change",e=>{const q=e.target.value.toLowerCase();
  const i=D.nodes.findIndex(n=>n[0].toLowerCase().includes(q)||n[7].toLowerCase().includes(q));
  if(i>=0){show(i);const r=svg.getBoundingClientRect();vb.s=1;
    vb.x=D.nodes[i][2]-r.width/2;vb.y=D.nodes[i][3]-r.height/2;apply()}});
fit();
</script></body></html>
"""
