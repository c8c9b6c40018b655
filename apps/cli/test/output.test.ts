import t from 'tap'
import { formatCommandLine } from '../src/output/run-format.js'
import { renderDetails, renderTable } from '../src/output/table.js'
import { formatTime, printable, truncate } from '../src/output/text.js'

t.test('table aligns columns', async (t) => {
  const rows = [
    { id: 'run-a', status: 'RUNNING', nodes: 2 },
    { id: 'run-bbbbbb', status: 'QUEUED', nodes: 16 },
  ]

  const text = renderTable(rows, [
    { header: 'run id', cell: (row) => row.id },
    { header: 'nodes', cell: (row) => row.nodes, align: 'right' },
    { header: 'status', cell: (row) => row.status },
  ])

  t.equal(
    text,
    [
      'RUN ID      NODES  STATUS',
      'run-a           2  RUNNING',
      'run-bbbbbb     16  QUEUED',
      '',
    ].join('\n'),
  )
})

t.test('table cells are printable and cut', async (t) => {
  const text = renderTable(
    [{ name: 'evil\u001b[2Jname\nnext', reason: undefined }],
    [
      { header: 'name', cell: (row) => row.name, maxWidth: 10 },
      { header: 'reason', cell: (row) => row.reason },
    ],
  )

  t.notOk(text.includes('\u001b'), 'no ESC reaches the terminal')
  t.equal(text, 'NAME        REASON\nevil?[2Jn…  -\n')
})

t.test('details align labels', async (t) => {
  t.equal(
    renderDetails([
      ['Run', 'run-a'],
      ['Exit code', 0],
      ['Skipped', undefined],
    ]),
    'Run:       run-a\nExit code: 0\n',
  )
})

t.test('text helpers', async (t) => {
  t.equal(printable('a\tb\r\nc\u0007'), 'a b  c?')
  t.equal(truncate('abcdef', 4), 'abc…')
  t.equal(truncate('abc', 4), 'abc')
  t.equal(formatTime('2025-03-01T14:05:09.123Z'), '2025-03-01T14:05:09Z')
  t.equal(formatTime(undefined), '-')
  t.equal(
    formatCommandLine(['python', 'train.py', '--name', 'two words', 'a"b']),
    'python train.py --name "two words" "a\\"b"',
  )
})
