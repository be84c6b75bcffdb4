package semantic

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// csr is a sparse row-major matrix: row i's entries are cols/vals
// [rowPtr[i], rowPtr[i+1]). The TF-IDF matrix of a large catalog has a few
// dozen entries per row out of tens of thousands of columns, so every
// product with it is done here, by row, rather than through a dense matrix.
type csr struct {
	rows, cols int
	rowPtr     []int
	colIdx     []int32
	vals       []float32
}

// mulDense returns a·x for a dense x (cols×l), as a dense rows×l matrix.
func (a *csr) mulDense(x *mat.Dense) *mat.Dense {
	_, l := x.Dims()
	out := mat.NewDense(a.rows, l, nil)
	xr := x.RawMatrix()
	or := out.RawMatrix()
	for i := 0; i < a.rows; i++ {
		dst := or.Data[i*or.Stride : i*or.Stride+l]
		for p := a.rowPtr[i]; p < a.rowPtr[i+1]; p++ {
			v := float64(a.vals[p])
			src := xr.Data[int(a.colIdx[p])*xr.Stride : int(a.colIdx[p])*xr.Stride+l]
			for j, s := range src {
				dst[j] += v * s
			}
		}
	}
	return out
}

// mulTransDense returns aᵀ·y for a dense y (rows×l), as a dense cols×l
// matrix, scattering each row of a into the output without forming aᵀ.
func (a *csr) mulTransDense(y *mat.Dense) *mat.Dense {
	_, l := y.Dims()
	out := mat.NewDense(a.cols, l, nil)
	yr := y.RawMatrix()
	or := out.RawMatrix()
	for i := 0; i < a.rows; i++ {
		src := yr.Data[i*yr.Stride : i*yr.Stride+l]
		for p := a.rowPtr[i]; p < a.rowPtr[i+1]; p++ {
			v := float64(a.vals[p])
			c := int(a.colIdx[p])
			dst := or.Data[c*or.Stride : c*or.Stride+l]
			for j, s := range src {
				dst[j] += v * s
			}
		}
	}
	return out
}

// orthonormalize replaces the columns of the tall matrix y with an
// orthonormal basis of their span (a thin QR: Householder factorization,
// then only the first l columns of Q are formed). mat.QR's QTo would build
// the full rows×rows Q, which for 100k rows is 80 GB.
func orthonormalize(y *mat.Dense) {
	r, c := y.Dims()
	if c > r {
		panic("semantic: orthonormalize needs a tall matrix")
	}
	g := y.RawMatrix()
	gen := blas64.General{Rows: g.Rows, Cols: g.Cols, Stride: g.Stride, Data: g.Data}
	tau := make([]float64, c)
	work := make([]float64, 1)
	lapack64.Geqrf(gen, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(gen, tau, work, len(work))
	work = make([]float64, 1)
	lapack64.Orgqr(gen, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Orgqr(gen, tau, work, len(work))
}

// randomizedSVD returns the top k right singular vectors of a (as a
// cols×k matrix) and the k singular values, by the randomized range finder
// of Halko, Martinsson and Tropp: sample the range of a with a Gaussian
// test matrix, sharpen it with power iterations, then take the exact SVD
// of the small projected matrix. Cost is a few sparse products plus
// O((rows+cols)·l²) dense work, against O(rows·cols²) for a full SVD.
func randomizedSVD(ctx context.Context, a *csr, k, oversample, powerIters int, seed uint64) (*mat.Dense, []float64, error) {
	l := k + oversample
	if l > a.rows {
		l = a.rows
	}
	if l > a.cols {
		l = a.cols
	}
	if k > l {
		k = l
	}
	if k < 1 {
		return nil, nil, errors.New("semantic: matrix too small for an SVD")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	omega := mat.NewDense(a.cols, l, nil)
	od := omega.RawMatrix().Data
	for i := range od {
		od[i] = rng.NormFloat64()
	}
	y := a.mulDense(omega)
	orthonormalize(y)
	for range powerIters {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		z := a.mulTransDense(y)
		orthonormalize(z)
		y = a.mulDense(z)
		orthonormalize(y)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// bt = aᵀ·q is Bᵀ for B = qᵀ·a (l×cols). Its thin SVD bt = U·Σ·Wᵀ
	// gives B's right singular vectors as U's columns, which are a's top
	// right singular vectors.
	bt := a.mulTransDense(y)
	var svd mat.SVD
	if ok := svd.Factorize(bt, mat.SVDThin); !ok {
		return nil, nil, fmt.Errorf("semantic: SVD of the %d×%d projected matrix did not converge", a.cols, l)
	}
	var u mat.Dense
	svd.UTo(&u)
	values := svd.Values(nil)
	vk := mat.DenseCopyOf(u.Slice(0, a.cols, 0, k))
	return vk, values[:k], nil
}
