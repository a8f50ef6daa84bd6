/**
 * Drop a file anywhere on the page to open it: a kernel trace, or a scenario's .json (as "Load
 * scenario file" would). While a file is dragged over the page an overlay says what dropping
 * does; the overlay lets the pointer through, so the page's own drag events keep the count.
 */
import { useEffect, useState } from 'react';
import { useVizApi } from '../store/useVizStore';
import { openFile } from './openFile';
import './Trace.css';

const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

export function DropZone() {
  const api = useVizApi();
  const [over, setOver] = useState(false);

  useEffect(() => {
    // dragenter and dragleave fire for every element crossed: the page is left when they even out.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const overPage = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // not the browser's: it would navigate to the file
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (file) void openFile(api, file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overPage);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overPage);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [api]);

  if (!over) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">
        <strong>Drop to open</strong>
        <span>
          a kernel trace (tracefs or trace-cmd report text, .txt or .txt.gz) or a scenario (.json)
        </span>
        <span className="muted">The timeline on screen stays if the file does not load.</span>
      </div>
    </div>
  );
}
